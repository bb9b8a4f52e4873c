/** Webhook mode: the secret header is checked, updates are handled once, the route is stateless. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookRoute } from '../../bot/webhook.ts';
import type { Database } from '../../db/client.ts';
import { openTestDatabase } from '../support/db.ts';
import { makeBot } from '../support/bot.ts';
import { newTelegramUserId, nextUpdateId } from '../support/fake-telegram.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const SECRET = 'a-long-webhook-secret_123';

describe('the webhook route', () => {
  it('refuses a wrong secret, answers a right one, and handles a redelivered update once', async () => {
    const { bot, tg } = await makeBot(database);
    const route = webhookRoute(bot, SECRET);
    const chat = newTelegramUserId();
    const update = {
      update_id: nextUpdateId(),
      message: { message_id: 7, date: 0, chat: { id: chat, type: 'private', first_name: 'Ә' }, from: { id: chat, is_bot: false, first_name: 'Ә', language_code: 'ru' }, text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] },
    };
    const post = (secret: string | null) =>
      route.request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { 'X-Telegram-Bot-Api-Secret-Token': secret } : {}) },
        body: JSON.stringify(update),
      });

    expect((await post(null)).status).toBe(401);
    expect((await post('wrong-secret-0000000')).status).toBe(401);
    expect(tg.callsOf('sendMessage')).toHaveLength(0);

    expect((await post(SECRET)).status).toBe(200);
    expect((await post(SECRET)).status).toBe(200);
    const sent = tg.callsOf('sendMessage');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload.chat_id).toBe(chat);
    expect(String(sent[0]!.payload.text)).toContain('Здравствуйте!');
  });
});
