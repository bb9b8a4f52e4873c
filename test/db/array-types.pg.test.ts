/**
 * postgres.js reads the server's array types as the first query of every new connection, and
 * nothing awaited that read: a connection cut while it ran was an unhandled rejection that ended
 * the process (upstream issues #1192, #1205, #1223; patches/postgres+3.4.9.patch). A proxy in
 * front of the real server cuts the first connection exactly there.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';

const target = new URL(inject('databaseUrl'));

/** The ErrorResponse message of a terminated backend. */
function terminated(): Buffer {
  const fields = Buffer.concat(
    [['S', 'FATAL'], ['V', 'FATAL'], ['C', '57P01'], ['M', 'terminating connection due to administrator command']].map(([k, v]) =>
      Buffer.from(`${k}${v}\0`),
    ),
  );
  const body = Buffer.concat([fields, Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
let proxy: Server;
let cut = 0;
const sockets: Socket[] = [];

beforeAll(async () => {
  proxy = createServer((client) => {
    const server = connect(Number(target.port || 5432), target.hostname);
    sockets.push(client, server);
    const first = cut === 0;
    client.on('data', (chunk: Buffer) => {
      if (first && cut === 0 && chunk.includes('typarray')) {
        // What pg_terminate_backend sends at that moment: a FATAL 57P01, then the socket closes.
        cut++;
        server.destroy();
        client.end(terminated());
        return;
      }
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => proxy.close(resolve));
});

it('survives a connection cut while it reads the array types, and answers on the next one', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const url = new URL(target.href);
  url.host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const database = await openDatabase({ url: url.href, poolSize: 1, timeoutMs: 2_000 });
  try {
    // The first attempt may fail with the cut connection; the next one is answered.
    await database.db.execute(sql`select 1`).catch(() => null);
    const [row] = (await database.db.execute(sql`select 41 + 1 as n`)) as unknown as { n: number }[];
    expect(row!.n).toBe(42);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(cut).toBe(1);
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await database.close();
  }
});
