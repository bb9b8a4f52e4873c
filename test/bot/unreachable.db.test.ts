/**
 * A parent who blocked the bot (403) or whose chat is gone (400 chat not found): one attempt,
 * then nothing more is sent to that chat; staff see it on the application and in the list of
 * parents to phone (their districts only); the parent writing to the bot again clears it.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, createNotifierApi } from '../../bot/notifier.ts';
import { submitApplication } from '../../core/applications.ts';
import { enqueueNotification } from '../../core/notifications.ts';
import { defaultPolicy } from '../../core/policy.ts';
import type { Database } from '../../db/client.ts';
import { auditLog, notifications, telegramUnreachable } from '../../db/schema/index.ts';
import { client, createStaff, listQuery, signIn, testServer, totalOf, type Client } from '../support/admin.ts';
import { botConfig, makeBot } from '../support/bot.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { FakeParent, FakeTelegram, newTelegramUserId } from '../support/fake-telegram.ts';
import { testLogger } from '../support/logger.ts';

let database: Database;
let places: Places;
let staff: Client;
let elsewhere: Client;

beforeAll(async () => {
  database = await openTestDatabase();
  places = await createPlaces(database.db);
  const other = await createPlaces(database.db);
  const app = testServer(database);
  const mine = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  const theirs = await createStaff(database, ['district_staff'], { districtIds: [other.districtId] });
  staff = client(app, await signIn(app, mine.login, mine.password, '10.1.0.1'));
  elsewhere = client(app, await signIn(app, theirs.login, theirs.password, '10.1.0.1'));
});
afterAll(async () => {
  await database.close();
});

async function registered(chat: number) {
  const input = applicationInput(places, { language: 'kk' });
  input.applicant = { ...input.applicant, telegramUserId: chat, language: 'kk' };
  const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, defaultPolicy);
  await database.db.update(notifications).set({ status: 'sent' }).where(eq(notifications.applicationId, application.id));
  return application;
}

const inform = (app: { id: number; applicantId: number; number: string }) =>
  enqueueNotification(database.db, { applicantId: app.applicantId, applicationId: app.id, kind: 'priority_verified', params: { number: app.number } });

const rowsOf = (applicationId: number) =>
  database.db.select().from(notifications).where(and(eq(notifications.applicationId, applicationId), eq(notifications.kind, 'priority_verified'))).orderBy(notifications.id);

const toPhone = async (c: Client) => {
  const res = await c.get(`/api/unreachable-parents?${listQuery({}, ['since', 'DESC'], [0, 99])}`);
  expect(res.status, res.text).toBe(200);
  totalOf(res.headers);
  return res.json as { id: number; number: string; parentName: string; phone: string; reason: string; undelivered: number }[];
};

describe('a chat Telegram refuses', () => {
  it.each([
    ['blocked', { error_code: 403, description: 'Forbidden: bot was blocked by the user' }],
    ['chat_not_found', { error_code: 400, description: 'Bad Request: chat not found' }],
  ] as const)('%s: one attempt, nothing more sent; staff see it and phone; the parent writing again clears it', async (reason, failure) => {
    const tg = new FakeTelegram();
    const chat = newTelegramUserId();
    const app = await registered(chat);
    const notifier = createNotifier({
      db: database.db,
      logger: testLogger(),
      i18n: (await makeBot(database, { tg })).i18n,
      api: createNotifierApi(botConfig, { fetch: tg.fetch }),
      scope: { applicantIds: [app.applicantId] },
    });
    const sentToChat = () => tg.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === chat);
    tg.failChat(chat, failure);

    await inform(app);
    await notifier.tick();
    await inform(app);
    await inform(app);
    await notifier.tick();
    await notifier.tick();
    expect(sentToChat()).toHaveLength(1);
    const rows = await rowsOf(app.id);
    expect(rows.map((r) => [r.status, r.attempts, r.chatId])).toEqual([
      ['failed', 1, chat],
      ['failed', 1, chat],
      ['failed', 1, chat],
    ]);
    expect(rows[0]!.lastError).toBe(`telegram ${failure.error_code}: ${failure.description}`);
    expect(rows[1]!.lastError).toMatch(/^unreachable: /);
    const [mark] = await database.db.select().from(telegramUnreachable).where(eq(telegramUnreachable.telegramUserId, chat));
    expect(mark).toMatchObject({ reason, notificationId: rows[0]!.id });
    const audited = await database.db.select().from(auditLog).where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, app.id), eq(auditLog.action, 'telegram.unreachable')));
    expect(audited).toHaveLength(1);

    // Staff of the district see it on the application and among the parents to phone; others do not.
    const detail = await staff.get(`/api/applications/${app.id}`);
    expect(detail.json.telegramUnreachable).toMatchObject({ reason });
    const listed = (await toPhone(staff)).find((r) => r.id === app.id);
    expect(listed).toMatchObject({ number: app.number, reason, undelivered: 3, phone: expect.stringMatching(/^\+7\d{10}$/) });
    expect((await toPhone(elsewhere)).some((r) => r.id === app.id)).toBe(false);

    // The parent writes to the bot (so has unblocked it, or the chat exists again): reachable
    // again, and the next message goes out.
    tg.failChat(chat, failure, 0);
    const { bot } = await makeBot(database, { tg });
    await new FakeParent(bot, tg, { id: chat }).say('/start');
    expect(await database.db.select().from(telegramUnreachable).where(eq(telegramUnreachable.telegramUserId, chat))).toHaveLength(0);
    expect((await staff.get(`/api/applications/${app.id}`)).json.telegramUnreachable).toBeNull();
    expect((await toPhone(staff)).some((r) => r.id === app.id)).toBe(false);
    const before = sentToChat().length;
    await inform(app);
    await notifier.tick();
    expect(sentToChat().slice(before).map((c) => c.payload.text)).toEqual([`✅ № ${app.number} өтініш: бірінші кезекте орын алу құқығы (жеңілдік) расталды.`]);
    expect((await rowsOf(app.id)).at(-1)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
