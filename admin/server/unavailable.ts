import type { Context } from 'hono';

const RETRY_AFTER_SECONDS = 5;

export function unavailable(c: Context) {
  c.header('Retry-After', String(RETRY_AFTER_SECONDS));
  return c.json({ error: 'unavailable', message: 'errors.unavailable' }, 503);
}
