import { afterAll, afterEach, beforeEach, vi } from 'vitest';
import { takeLoggedErrors } from './logger.ts';

/** An unexpected console.error fails the test that caused it. */
let errors: unknown[][] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});

/** So does an error-level log entry (test/support/logger.ts), unless the test expected it. */
function checkLog(): void {
  const { unexpected, unmet } = takeLoggedErrors();
  if (unexpected.length) throw new Error(`an error was logged:\n${unexpected.map((e) => e.line).join('\n')}`);
  if (unmet.length) throw new Error(`an expected error was not logged: ${unmet.map(String).join(', ')}`);
}

afterEach(() => {
  vi.mocked(console.error).mockRestore();
  if (errors.length) throw new Error(`console.error was called: ${errors.map((a) => a.map(String).join(' ')).join('\n')}`);
  checkLog();
});
// Errors logged in beforeAll (before any test ran them off) or after the last test.
afterAll(checkLog);
