/**
 * The outbox worker: every notification reaches the parent's chat once, in the parent's
 * language; Telegram's refusals are recorded; a crash between claim and send is recovered
 * with a visible "may be a repeat" note rather than silently.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, createNotifierApi } from '../../bot/notifier.ts';
import { submitApplication } from '../../core/applications.ts';
import { enqueueNotification } from '../../core/notifications.ts';
import { claimNotifications } from '../../core/outbox.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { changeStatus } from '../../core/status.ts';
import type { Database } from '../../db/client.ts';
import { notifications } from '../../db/schema/index.ts';
import { createI18n } from '../../locales/index.ts';
import { botConfig } from '../support/bot.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { FakeTelegram, newTelegramUserId } from '../support/fake-telegram.ts';
import { testLogger } from '../support/logger.ts';

let database: Database;
let places: Places;
let i18n: Awaited<ReturnType<typeof createI18n>>;
const staff = { type: 'staff', id: 1 } as const;

beforeAll(async () => {
  database = await openTestDatabase({ poolSize: 8 });
  places = await createPlaces(database.db);
  i18n = await createI18n();
});
afterAll(async () => {
  await database.close();
});

/** A registered application whose parent uses Telegram account `chat`, in `language`. */
async function registered(chat: number | null, language: 'kk' | 'ru') {
  const input = applicationInput(places, { language });
  input.applicant = { ...input.applicant, telegramUserId: chat, language };
  const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, defaultPolicy);
  // The registration notice of these tests is not what they look at.
  await database.db.update(notifications).set({ status: 'sent' }).where(eq(notifications.applicationId, application.id));
  return application;
}

function notifierFor(tg: FakeTelegram, applicantIds: number[], opts: { clock?: () => Date; leaseMs?: number } = {}) {
  return createNotifier({
    db: database.db,
    logger: testLogger(),
    i18n,
    api: createNotifierApi(botConfig, { fetch: tg.fetch }),
    scope: { applicantIds },
    ...opts,
  });
}

const rowOf = async (id: number) => (await database.db.select().from(notifications).where(eq(notifications.id, id)))[0]!;
const kindRow = async (applicationId: number, kind: string) =>
  (await database.db.select().from(notifications).where(and(eq(notifications.kind, kind), eq(notifications.applicationId, applicationId))))[0]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LEASE_MS = 400;
const REPEAT_KK = '(Бұл хабарды бұрын алған болуыңыз мүмкін.)';

const sentTo = (tg: FakeTelegram, chat: number) => tg.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === chat);

describe('the notifier', () => {
  it('delivers a refusal once, in the parent’s language, even with several workers at once', async () => {
    const tg = new FakeTelegram();
    const chat = newTelegramUserId();
    const app = await registered(chat, 'ru');
    await changeStatus(database.db, {
      applicationId: app.id,
      event: 'refuse',
      actor: staff,
      reason: 'documents_incomplete',
      comment: 'нет свидетельства о рождении',
      policy: defaultPolicy,
    });
    const workers = [notifierFor(tg, [app.applicantId]), notifierFor(tg, [app.applicantId]), notifierFor(tg, [app.applicantId])];
    await Promise.all(workers.map((w) => w.tick()));
    await Promise.all(workers.map((w) => w.tick()));

    const sent = sentTo(tg, chat);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload.text).toBe(
      `❌ По заявлению № ${app.number} отказано в оказании услуги.\nПричина: Представлен неполный пакет документов\nКомментарий: нет свидетельства о рождении\n\n` +
        'Что можно сделать: устранить причину и подать новое заявление («📝 Подать заявление») или обжаловать решение («ℹ️ Справка» → «📝 Жалоба»). С вопросами — в отдел образования или в Единый контакт-центр 1414.\n\nХотите оценить услугу? Это займёт минуту.',
    );
    expect(sent[0]!.payload.reply_markup).toEqual({
      inline_keyboard: [[{ text: '📋 Мои заявления', callback_data: 'my:list' }], [{ text: '⭐ Оценить услугу', callback_data: `fb:start:${app.id}` }]],
    });
    const [row] = await database.db.select().from(notifications).where(and(eq(notifications.kind, 'status_refuse'), eq(notifications.applicationId, app.id)));
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(row?.sentAt).toBeInstanceOf(Date);
  });

  it('many rows, many workers: every parent gets exactly one message', async () => {
    const tg = new FakeTelegram();
    const apps = await Promise.all(Array.from({ length: 12 }, () => registered(newTelegramUserId(), 'kk')));
    for (const app of apps) {
      await changeStatus(database.db, { applicationId: app.id, event: 'withdraw', actor: staff, reason: 'parent_request', policy: defaultPolicy });
    }
    const scope = apps.map((a) => a.applicantId);
    const workers = Array.from({ length: 4 }, () => notifierFor(tg, scope));
    while ((await Promise.all(workers.map((w) => w.tick()))).some((n) => n > 0));
    const chats = tg.callsOf('sendMessage').map((c) => Number(c.payload.chat_id));
    expect(chats).toHaveLength(apps.length);
    expect(new Set(chats).size).toBe(apps.length);
    expect(tg.callsOf('sendMessage')[0]!.payload.text).toMatch(/^№ \d{4}-\d{7} өтініш қайтарып алынды\.\nСебебі: өтініш берушінің сұрауы бойынша$/);
    const rows = await database.db.select().from(notifications).where(inArray(notifications.applicantId, scope));
    expect(rows.filter((r) => r.kind === 'status_withdraw').every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('records a permanent refusal by Telegram and a parent without Telegram as failed', async () => {
    const tg = new FakeTelegram();
    const blocked = await registered(newTelegramUserId(), 'kk');
    const offline = await registered(null, 'kk');
    for (const app of [blocked, offline]) {
      await changeStatus(database.db, { applicationId: app.id, event: 'withdraw', actor: staff, reason: 'parent_request', policy: defaultPolicy });
    }
    tg.fail('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await notifierFor(tg, [blocked.applicantId, offline.applicantId]).tick();
    const rows = await database.db.select().from(notifications).where(inArray(notifications.applicationId, [blocked.id, offline.id]));
    const byApp = new Map(rows.filter((r) => r.kind === 'status_withdraw').map((r) => [r.applicationId, r]));
    expect(byApp.get(blocked.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'telegram 403: Forbidden: bot was blocked by the user' });
    expect(byApp.get(offline.id)).toMatchObject({ status: 'failed', lastError: 'no Telegram account is linked to this applicant' });
  });

  it('a worker that dies after claiming: any worker takes the row back after the lease and sends it without the repeat note', async () => {
    const tg = new FakeTelegram();
    const chat = newTelegramUserId();
    const app = await registered(chat, 'kk');
    await changeStatus(database.db, { applicationId: app.id, event: 'withdraw', actor: staff, reason: 'parent_request', policy: defaultPolicy });
    // A worker claims the row and dies before its request left.
    const claimed = await claimNotifications(database.db, { limit: 10, scope: { applicantIds: [app.applicantId] } });
    expect(claimed.map((c) => c.kind)).toEqual(['status_withdraw']);
    expect(await rowOf(claimed[0]!.id)).toMatchObject({ status: 'claimed', attempts: 1 });

    const other = notifierFor(tg, [app.applicantId], { leaseMs: LEASE_MS });
    expect(await other.tick()).toBe(0);
    expect(sentTo(tg, chat)).toHaveLength(0);

    await sleep(LEASE_MS + 100);
    expect(await other.tick()).toBe(1);
    const sent = sentTo(tg, chat);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload.text).toBe(`№ ${app.number} өтініш қайтарып алынды.\nСебебі: өтініш берушінің сұрауы бойынша`);
    expect(await rowOf(claimed[0]!.id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null, maybeDelivered: false });
  });

  it('a worker that dies after its request left: the row is sent again after the lease with the repeat note, once', async () => {
    const tg = new FakeTelegram();
    const chat = newTelegramUserId();
    const app = await registered(chat, 'kk');
    await changeStatus(database.db, { applicationId: app.id, event: 'withdraw', actor: staff, reason: 'parent_request', policy: defaultPolicy });
    const row = await kindRow(app.id, 'status_withdraw');
    // The first worker's request reaches Telegram and no answer comes back: it is as good as dead.
    const held = tg.hold(chat);
    const first = notifierFor(tg, [app.applicantId], { leaseMs: LEASE_MS });
    const stuck = first.tick();
    await held.arrived;
    expect(await rowOf(row.id)).toMatchObject({ status: 'sending', attempts: 1, chatId: chat });

    const second = notifierFor(tg, [app.applicantId], { leaseMs: LEASE_MS });
    await sleep(LEASE_MS + 100);
    expect(await second.tick()).toBe(1);
    const sent = sentTo(tg, chat);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.payload.text).toBe(`№ ${app.number} өтініш қайтарып алынды.\nСебебі: өтініш берушінің сұрауы бойынша\n\n${REPEAT_KK}`);
    expect(await rowOf(row.id)).toMatchObject({ status: 'sent', attempts: 2, maybeDelivered: false });

    // The first request's answer arrives late: the first worker no longer holds the row and writes nothing.
    const sentAt = (await rowOf(row.id)).sentAt;
    held.release();
    await stuck;
    expect(await rowOf(row.id)).toMatchObject({ status: 'sent', attempts: 2, sentAt });
    expect(sentTo(tg, chat)).toHaveLength(2);
  });

  it('a Telegram 5xx is retried later with the repeat note; an unknown kind gets the generic text', async () => {
    const tg = new FakeTelegram();
    const chat = newTelegramUserId();
    const app = await registered(chat, 'ru');
    await database.db.insert(notifications).values({ applicantId: app.applicantId, applicationId: app.id, kind: 'something_new', params: { number: app.number } });
    tg.fail('sendMessage', { error_code: 502, description: 'Bad Gateway' }, 10);
    // A second ahead: the row's due_at is the server's now() in microseconds, which can be a
    // fraction of a millisecond after a JavaScript Date taken right after the insert.
    const now = new Date(Date.now() + 1000);
    await notifierFor(tg, [app.applicantId], { clock: () => now }).tick();
    const [pending] = await database.db.select().from(notifications).where(and(eq(notifications.kind, 'something_new'), eq(notifications.applicationId, app.id)));
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastError: 'telegram 502: Bad Gateway', maybeDelivered: true });
    expect(pending!.dueAt.getTime()).toBeGreaterThan(now.getTime());

    tg.fail('sendMessage', { error_code: 502, description: 'Bad Gateway' }, 0);
    await notifierFor(tg, [app.applicantId], { clock: () => new Date(now.getTime() + 60_000) }).tick();
    const last = sentTo(tg, chat).at(-1)!;
    expect(last.payload.text).toBe(
      `По вашему заявлению № ${app.number} есть новости. Откройте раздел «📋 Мои заявления».\n\n(Возможно, вы уже получали это сообщение.)`,
    );
  });

  it('a 429 with retry_after is waited out and the message delivered once', async () => {
    const tg = new FakeTelegram();
    const chat = newTelegramUserId();
    const app = await registered(chat, 'ru');
    await changeStatus(database.db, { applicationId: app.id, event: 'withdraw', actor: staff, reason: 'parent_request', policy: defaultPolicy });
    tg.failChat(chat, { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, 1);
    const started = performance.now();
    expect(await notifierFor(tg, [app.applicantId]).tick()).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(sentTo(tg, chat)).toHaveLength(2);
    expect(tg.chat(chat)).toHaveLength(1);
    expect(await kindRow(app.id, 'status_withdraw')).toMatchObject({ status: 'sent', attempts: 1, maybeDelivered: false });
  });

  it('a 429 asking for a long wait: the row is due after it, not failed, and the worker does not knock meanwhile', async () => {
    const tg = new FakeTelegram();
    const chat = newTelegramUserId();
    const app = await registered(chat, 'ru');
    await changeStatus(database.db, { applicationId: app.id, event: 'withdraw', actor: staff, reason: 'parent_request', policy: defaultPolicy });
    tg.failChat(chat, { error_code: 429, description: 'Too Many Requests: retry after 40', parameters: { retry_after: 40 } });
    const notifier = notifierFor(tg, [app.applicantId]);
    const before = Date.now();
    await notifier.tick();
    const row = await kindRow(app.id, 'status_withdraw');
    expect(row).toMatchObject({ status: 'pending', attempts: 1, maybeDelivered: false, lastError: 'telegram 429: Too Many Requests: retry after 40' });
    expect(row.dueAt.getTime()).toBeGreaterThanOrEqual(before + 40_000);
    for (let i = 0; i < 5; i++) expect(await notifier.tick()).toBe(0);
    expect(sentTo(tg, chat)).toHaveLength(1);
  });

  it('an offer queued after 50 informational messages is sent first', async () => {
    const tg = new FakeTelegram();
    const informed = await Promise.all(Array.from({ length: 50 }, () => registered(newTelegramUserId(), 'kk')));
    const offered = await registered(newTelegramUserId(), 'kk');
    for (const app of informed) {
      await enqueueNotification(database.db, { applicantId: app.applicantId, applicationId: app.id, kind: 'priority_verified', params: { number: app.number } });
    }
    await enqueueNotification(database.db, {
      applicantId: offered.applicantId,
      applicationId: offered.id,
      kind: 'status_offer',
      params: { number: offered.number, kindergarten: 7, deadline: '2030-01-15' },
    });
    const notifier = notifierFor(tg, [...informed, offered].map((a) => a.applicantId));
    while ((await notifier.tick()) > 0);
    const texts = tg.callsOf('sendMessage').map((c) => String(c.payload.text));
    expect(texts).toHaveLength(51);
    expect(texts[0]).toContain(`№ ${offered.number} өтініш: балаңызға орын ұсынылды`);
  });

  it('runs as a loop and stops cleanly', async () => {
    const tg = new FakeTelegram();
    const chat = newTelegramUserId();
    const app = await registered(chat, 'kk');
    const notifier = createNotifier({
      db: database.db,
      logger: testLogger(),
      i18n,
      api: createNotifierApi(botConfig, { fetch: tg.fetch }),
      scope: { applicantIds: [app.applicantId] },
      intervalMs: 10,
    });
    notifier.start();
    await changeStatus(database.db, { applicationId: app.id, event: 'withdraw', actor: staff, reason: 'parent_request', policy: defaultPolicy });
    await expect.poll(() => sentTo(tg, chat).length, { timeout: 5000 }).toBe(1);
    await notifier.stop();
  });
});
