/**
 * The bot preview: admins and district staff may use it; it drives the real bot (createBot) through an
 * in-process fake Telegram and answers with what the bot sent; it runs on a sandbox, so the
 * service's own database never sees the preview's chats or applications.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { botSessions } from '../../db/schema/index.ts';
import { botPreview, closeBotPreviews } from '../../admin/server/bot-preview.ts';
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
    const c = as.admin!;
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
    const k = as.district_staff!;
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

  it('is open to admins and district staff only, and validates the step', async () => {
    for (const role of ['admin', 'district_staff']) {
      expect((await as[role]!.post('/api/bot-preview', { action: 'reset', language: 'kk' })).status, role).toBe(200);
    }
    for (const role of ['call_centre', 'auditor']) {
      const res = await as[role]!.post('/api/bot-preview', { action: 'text', language: 'kk', text: '/start' });
      expect(res.status, role).toBe(403);
      expect(res.json).toEqual({ error: 'forbidden', permission: 'bot.preview' });
    }
    expect((await client(app, null).post('/api/bot-preview', { action: 'reset', language: 'kk' })).status).toBe(401);
    const bad = await as.admin!.post('/api/bot-preview', { action: 'callback', language: 'kk' });
    expect(bad.status).toBe(400);
  });

  it('keeps one sandbox per process, frees it when idle and starts afresh after many steps', async () => {
    await as.admin!.post('/api/bot-preview', { action: 'text', language: 'kk', text: '/start' });
    expect(botPreview.open).toBe(true);
    const started = botPreview.started;
    // Another server of the same process shares it.
    const second = testServer(database);
    const staff = await createStaff(database, ['admin']);
    const other = client(second, await signIn(second, staff.login, staff.password));
    expect((await other.post('/api/bot-preview', { action: 'text', language: 'kk', text: '/start' })).status).toBe(200);
    expect(botPreview.started).toBe(started);

    const { idleMs, maxSteps } = botPreview;
    try {
      botPreview.maxSteps = 2;
      await other.post('/api/bot-preview', { action: 'text', language: 'kk', text: '/start' });
      await other.post('/api/bot-preview', { action: 'text', language: 'kk', text: '/start' });
      expect(botPreview.started).toBe(started + 1);
      botPreview.maxSteps = maxSteps;
      botPreview.idleMs = 50;
      await other.post('/api/bot-preview', { action: 'text', language: 'kk', text: '/start' });
      expect(botPreview.open).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(botPreview.open).toBe(false);
      // The next step makes a new one and the bot answers as before.
      const again = await other.post('/api/bot-preview', { action: 'text', language: 'kk', text: '/start' });
      expect((again.json.messages as Message[])[0]!.text).toContain('Сәлеметсіз бе');
      expect(botPreview.started).toBe(started + 2);
    } finally {
      botPreview.idleMs = idleMs;
      botPreview.maxSteps = maxSteps;
    }
  });
});
