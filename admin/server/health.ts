import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { Database } from '../../db/client.ts';

/** A load balancer must hear "unavailable" in time, not wait with the users. */
export function healthRoutes(database: Database, timeoutMs: number) {
  return new Hono().get('/', async (c) => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('database did not answer in time')), timeoutMs);
    });
    try {
      await Promise.race([database.db.execute(sql`select 1`), late]);
      return c.json({ status: 'ok', database: { kind: database.kind, ok: true, ms: +(performance.now() - started).toFixed(2) } });
    } catch {
      return c.json({ status: 'unavailable', database: { kind: database.kind, ok: false } }, 503);
    } finally {
      clearTimeout(timer);
    }
  });
}
