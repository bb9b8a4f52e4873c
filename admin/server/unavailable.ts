import type { Context } from 'hono';

/** Seconds a client is asked to wait before trying again while the database is away. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The answer while the database cannot be reached (core/errors.ts isDatabaseUnavailable): 503
 * with Retry-After, and the message key the panel shows ("temporarily unavailable, try again").
 */
export function unavailable(c: Context) {
  c.header('Retry-After', String(RETRY_AFTER_SECONDS));
  return c.json({ error: 'unavailable', message: 'errors.unavailable' }, 503);
}
