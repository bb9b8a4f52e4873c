/**
 * Which errors mean "the database is away, try again" (503 in the API, a polite message in the
 * bot) and which remain the request's own problem.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DrizzleQueryError } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, RuleError, ValidationError } from '../../core/errors.ts';

/** The error postgres.js gives for a port nothing listens on. */
async function refused(): Promise<unknown> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const sql = postgres({ host: '127.0.0.1', port, max: 1, connect_timeout: 1, backoff: () => 0 });
  const error = await sql`select 1`.catch((err: unknown) => err);
  await sql.end({ timeout: 0 });
  return error;
}

describe('isDatabaseUnavailable', () => {
  it('recognises a refused connection, also wrapped by drizzle', async () => {
    const error = await refused();
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isDatabaseUnavailable(new DrizzleQueryError('select 1', [], error as Error))).toBe(true);
  });

  it("recognises the driver's and the server's codes for a lost or refused session", () => {
    for (const code of ['CONNECTION_CLOSED', 'CONNECT_TIMEOUT', 'CONNECTION_ENDED', '57P01', '57P03', '53300', '08006']) {
      expect(isDatabaseUnavailable(Object.assign(new Error(code), { code })), code).toBe(true);
    }
    // "database is not accepting connections" is 55000, which is unavailable only as a FATAL.
    expect(isDatabaseUnavailable(Object.assign(new Error('not accepting'), { code: '55000', severity: 'FATAL' }))).toBe(true);
  });

  it("leaves the request's own errors alone", () => {
    expect(isDatabaseUnavailable(new ValidationError([{ field: 'child.iin', code: 'iin_checksum' }]))).toBe(false);
    expect(isDatabaseUnavailable(new RuleError('august_freeze'))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate'), { code: '23505', severity: 'ERROR' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('busy'), { code: '55000', severity: 'ERROR' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
