/** test/support/setup.ts fails a test on an error-level log unless the test expected it (expectLoggedError). */
import pino from 'pino';
import type { Logger } from '../../core/logger.ts';

export interface LoggedError {
  msg: string;
  line: string;
}

const logged: LoggedError[] = [];
const expected: { pattern: RegExp; seen: number }[] = [];

export function testLogger(): Logger {
  return pino(
    { level: 'error', base: undefined },
    {
      write(line: string) {
        let msg = line;
        try {
          msg = String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
        } catch {
          // not JSON: keep the line as it is
        }
        logged.push({ msg, line });
      },
    },
  );
}

/** The current test logs an error whose message matches `pattern` on purpose (at least once). */
export function expectLoggedError(pattern: RegExp): void {
  expected.push({ pattern, seen: 0 });
}

export function takeLoggedErrors(): { unexpected: LoggedError[]; unmet: RegExp[] } {
  const unexpected: LoggedError[] = [];
  for (const entry of logged.splice(0)) {
    const match = expected.find((e) => e.pattern.test(entry.msg));
    if (match) match.seen++;
    else unexpected.push(entry);
  }
  const unmet = expected.filter((e) => e.seen === 0).map((e) => e.pattern);
  expected.length = 0;
  return { unexpected, unmet };
}
