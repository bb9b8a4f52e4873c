import { webhookCallback, type Bot } from 'grammy';
import { Hono } from 'hono';
import type { BotContext } from './context.ts';

export const WEBHOOK_PATH = '/telegram/webhook';

/**
 * POST /telegram/webhook on the HTTP server. Telegram sends the secret given to setWebhook in
 * X-Telegram-Bot-Api-Secret-Token; anything else gets 401. The handler keeps no state of its
 * own (sessions and dedupe are in PostgreSQL), so any number of instances can serve it.
 */
export function webhookRoute(bot: Bot<BotContext>, secretToken: string): Hono {
  const handle = webhookCallback(bot, 'hono', {
    secretToken,
    // Answer Telegram before its own timeout; the update finishes in the background and
    // dedupe drops the redelivery if Telegram still retries.
    onTimeout: 'return',
    timeoutMilliseconds: 25_000,
  });
  return new Hono().post('/', (c) => handle(c));
}
