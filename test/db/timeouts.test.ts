/**
 * A database server that accepts connections and never answers (a hung server, a black-holed
 * network): every query still fails within DATABASE_TIMEOUT_MS, those waiting for a pool
 * connection included, as "unavailable" — never after one connect timeout per query ahead.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { isDatabaseUnavailable } from '../../core/errors.ts';

let silent: Server;
const sockets: Socket[] = [];
let url = '';
beforeAll(async () => {
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  url = `postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/nothing`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

it('fails every query within the budget, also those queued behind the connecting ones', async () => {
  const timeoutMs = 500;
  const database = await openDatabase({ url, poolSize: 2, timeoutMs });
  try {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        database.db.execute(sql`select 1`).then(
          () => ({ ok: true, ms: performance.now() - started, error: null as unknown }),
          (error: unknown) => ({ ok: false, ms: performance.now() - started, error }),
        ),
      ),
    );
    expect(results.map((r) => r.ok)).toEqual(Array(8).fill(false));
    expect(results.every((r) => isDatabaseUnavailable(r.error))).toBe(true);
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(timeoutMs + 400);
  } finally {
    await database.close();
  }
});
