import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { Database } from '../../db/client.ts';

/** GET /health: 200 when the database answers, 503 when it does not. */
export function healthRoutes(database: Database) {
  return new Hono().get('/', async (c) => {
    const started = performance.now();
    try {
      await database.db.execute(sql`select 1`);
      return c.json({ status: 'ok', database: { kind: database.kind, ok: true, ms: +(performance.now() - started).toFixed(2) } });
    } catch {
      return c.json({ status: 'unavailable', database: { kind: database.kind, ok: false } }, 503);
    }
  });
}
