/**
 * The bot preview: every staff role may use it; it drives the real bot (createBot) through an
 * in-process fake Telegram and answers with what the bot sent; it runs on a sandbox, so the
 * service's own database never sees the preview's chats or applications.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { botSessions } from '../../db/schema/index.ts';
import { closeBotPreviews } from '../../admin/server/bot-preview.ts';
import { openTestDatabase } from '../support/db.ts';
import { createPlaces } from '../support/factories.ts';
import { client, createStaff, signIn, testServer, type Client, type TestApp } from '../support/admin.ts';

let database: Database;
let app: TestApp;
const as: Record<string, Client> = {};

beforeAll(async () => {
  database = await openTestDatabase();
  await createPlaces(database.db);
  app = testServer(database);
  for (const role of ['admin', 'district_staff', 'call_centre', 'auditor'] as const) {
    const staff = await createStaff(database, [role], role === 'district_staff' ? { districtIds: [1] } : {});
    as[role] = client(app, await signIn(app, staff.login, staff.password));
  }
});
afterAll(async () => {
  await closeBotPreviews();
  await database.close();
});

type Message = { id: number; method: string; text: string | null; inline: { text: string; data: string | null }[][] | null; reply: { text: string; requestContact: boolean }[][] | null };

describe('the bot preview', () => {
  it('talks to the real bot in either language, with its keyboards', async () => {
    const c = as.call_centre!;
    expect((await c.post('/api/bot-preview', { action: 'reset', language: 'ru' })).json).toEqual({ messages: [] });
    const start = await c.post('/api/bot-preview', { action: 'text', language: 'ru', text: '/start' });
    expect(start.status, start.text).toBe(200);
    const greeting = start.json.messages as Message[];
    expect(greeting[0]!.method).toBe('sendMessage');
    expect(greeting[0]!.text).toContain('Здравствуйте');
    const buttons = greeting[0]!.inline!.flat();
    expect(buttons.map((b) => b.text)).toEqual(['Қазақша', 'Русский']);
    const russian = buttons.find((b) => b.text === 'Русский')!;
    const chosen = await c.post('/api/bot-preview', { action: 'callback', language: 'ru', data: russian.data, messageId: greeting[0]!.id });
    const menu = (chosen.json.messages as Message[]).find((m) => m.reply);
    expect(menu?.text).toMatch(/русском/);
    expect(menu!.reply!.flat().map((b) => b.text)).toContain('📝 Подать заявление');
    const apply = await c.post('/api/bot-preview', { action: 'text', language: 'ru', text: '📝 Подать заявление' });
    const consent = (apply.json.messages as Message[]).at(-1)!;
    expect(consent.text).toContain('согласие');
    expect(consent.inline!.flat().length).toBe(2);

    // Kazakh, from a new chat.
    const k = as.auditor!;
    await k.post('/api/bot-preview', { action: 'reset', language: 'kk' });
    const kk = await k.post('/api/bot-preview', { action: 'text', language: 'kk', text: '/start' });
    expect((kk.json.messages as Message[])[0]!.text).toContain('Сәлеметсіз бе');
  });

  it('runs on a sandbox: the service database has no preview chats', async () => {
    await as.admin!.post('/api/bot-preview', { action: 'text', language: 'kk', text: '/start' });
    const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(botSessions).where(sql`${botSessions.key}::bigint >= 9000000000000`);
    expect(row!.n).toBe(0);
    expect(await database.db.select().from(botSessions).where(eq(botSessions.key, '9000000000001'))).toEqual([]);
  });

  it('is open to every staff role and nobody else, and validates the step', async () => {
    for (const role of ['admin', 'district_staff', 'call_centre', 'auditor']) {
      expect((await as[role]!.post('/api/bot-preview', { action: 'reset', language: 'kk' })).status, role).toBe(200);
    }
    expect((await client(app, null).post('/api/bot-preview', { action: 'reset', language: 'kk' })).status).toBe(401);
    const bad = await as.admin!.post('/api/bot-preview', { action: 'callback', language: 'kk' });
    expect(bad.status).toBe(400);
  });
});
