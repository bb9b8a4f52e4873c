/**
 * Contacts that stay reachable: the yearly question reaches the parent with two buttons (confirm,
 * new number through Telegram's contact button); after an undelivered message the bot asks when
 * the parent writes again; an unanswered question puts the parent on the staff's list to phone
 * after the window, where staff record the call; nobody's place changes for not answering.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, createNotifierApi } from '../../bot/notifier.ts';
import { submitApplication } from '../../core/applications.ts';
import { askYearly, contactCheckJobs, nextYearlyCheck, openContactCheck, YEARLY_JOB } from '../../core/contact-checks.ts';
import { createLogger } from '../../core/logger.ts';
import { enqueueNotification } from '../../core/notifications.ts';
import { maskPhone } from '../../core/phone.ts';
import { defaultPolicy } from '../../core/policy.ts';
import type { Database } from '../../db/client.ts';
import { applicants, applications, auditLog, contactChecks, notifications } from '../../db/schema/index.ts';
import { client, createStaff, listQuery, signIn, testServer, type Client } from '../support/admin.ts';
import { botConfig, makeBot } from '../support/bot.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { FakeParent, FakeTelegram, newTelegramUserId } from '../support/fake-telegram.ts';

let database: Database;
let places: Places;
let staff: Client;
let elsewhere: Client;
let auditor: Client;
let harness: Awaited<ReturnType<typeof makeBot>>;
const DAY = 86_400_000;
const masked = maskPhone('+77012345678');

beforeAll(async () => {
  database = await openTestDatabase();
  places = await createPlaces(database.db);
  const other = await createPlaces(database.db);
  const app = testServer(database);
  const mine = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  const theirs = await createStaff(database, ['district_staff'], { districtIds: [other.districtId] });
  const reader = await createStaff(database, ['auditor']);
  staff = client(app, await signIn(app, mine.login, mine.password, '10.1.7.1'));
  elsewhere = client(app, await signIn(app, theirs.login, theirs.password, '10.1.7.1'));
  auditor = client(app, await signIn(app, reader.login, reader.password, '10.1.7.1'));
  harness = await makeBot(database, { tg: new FakeTelegram() });
});
afterAll(async () => {
  await database.close();
});

async function registered(chat: number, language: 'kk' | 'ru') {
  const input = applicationInput(places, { language });
  input.applicant = { ...input.applicant, telegramUserId: chat, language };
  const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, defaultPolicy);
  await database.db.update(notifications).set({ status: 'sent' }).where(eq(notifications.applicationId, application.id));
  return application;
}

const notifierFor = (applicantIds: number[], tg = harness.tg) =>
  createNotifier({
    db: database.db,
    logger: createLogger('silent'),
    i18n: harness.i18n,
    api: createNotifierApi(botConfig, { fetch: tg.fetch }),
    scope: { applicantIds },
  });

const checkOf = async (applicantId: number) =>
  (await database.db.select().from(contactChecks).where(eq(contactChecks.applicantId, applicantId)).orderBy(contactChecks.id)).at(-1);

const toPhone = async (c: Client) => {
  const res = await c.get(`/api/unreachable-parents?${listQuery({}, ['since', 'DESC'], [0, 99])}`);
  expect(res.status, res.text).toBe(200);
  return res.json as { id: number; why: string; checkReason: string | null; phone: string; status: string }[];
};

describe('the yearly question', () => {
  it('kk: arrives with two buttons; "confirm" closes it, audited, and the place stays', async () => {
    const parent = new FakeParent(harness.bot, harness.tg, { languageCode: 'kk' });
    const app = await registered(parent.id, 'kk');
    const asked = await database.db.transaction((tx) => askYearly(tx, new Date(), defaultPolicy, { applicantIds: [app.applicantId] }));
    expect(asked).toBe(1);
    await notifierFor([app.applicantId]).tick();
    expect(parent.last.text).toContain(`Жыл сайынғы тексеру: өтініштегі телефон — ${masked}. Бұл нөмір әлі сіздікі ме?`);
    expect(parent.buttons()).toEqual(['✅ Иә, нөмірім осы', '📱 Жаңа нөмір беру']);
    // Asking again the same year adds nothing: one open question per parent.
    expect(await database.db.transaction((tx) => askYearly(tx, new Date(), defaultPolicy, { applicantIds: [app.applicantId] }))).toBe(0);

    await parent.tap('✅ Иә, нөмірім осы');
    expect(parent.last.text).toBe('Рақмет! Нөміріңіз расталды. Кезектегі орныңыз өзгермейді.');
    expect(await checkOf(app.applicantId)).toMatchObject({ outcome: 'confirmed', closedBy: null });
    const audited = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'applicant'), eq(auditLog.entityId, app.applicantId), eq(auditLog.action, 'contact.check_closed')));
    expect(audited).toMatchObject([{ actorType: 'parent', toState: 'confirmed', reason: 'yearly' }]);
    // Tapping the old button again (its keyboard is gone; an old client may still send it) changes nothing and says so.
    const check = await checkOf(app.applicantId);
    await parent.tapData(`cc:ok:${check!.id}`, 1);
    expect(parent.last.text).toBe('Бұл сұраққа жауап берілген. Телефонды «📋 Менің өтініштерім» бөлімінен өзгертуге болады.');
    // Someone else's check cannot be answered with crafted data.
        const other = await registered(newTelegramUserId(), 'kk');
    const [open] = await database.db.transaction(async (tx) => [await openContactCheck(tx, { applicantId: other.applicantId, reason: 'yearly', now: new Date(), policy: defaultPolicy, ask: false })]);
    await parent.tapData(`cc:ok:${open!.id}`, 1);
    expect(parent.last.text).toBe('Бұл әрекет қазір қолжетімсіз.');
    expect((await checkOf(other.applicantId))?.closedAt).toBeNull();
  });

  it('ru: "new number" asks for Telegram\'s contact, checks it, saves it and closes the question', async () => {
    const parent = new FakeParent(harness.bot, harness.tg, { languageCode: 'ru' });
    const app = await registered(parent.id, 'ru');
    await database.db.transaction((tx) => askYearly(tx, new Date(), defaultPolicy, { applicantIds: [app.applicantId] }));
    await notifierFor([app.applicantId]).tick();
    expect(parent.last.text).toContain(`Ежегодная проверка: телефон в заявлении — ${masked}. Это всё ещё ваш номер?`);
    await parent.tap('📱 Указать новый номер');
    expect(parent.replyKeyboard()).toContain('📱 Отправить номер');
    const refused = await parent.say('+7 999 123 45 67');
    expect(refused.map((m) => m.text).join('\n')).toContain('Нужен казахстанский мобильный номер');
    await parent.shareContact('77071234567');
    const [row] = await database.db.select().from(applicants).where(eq(applicants.id, app.applicantId));
    expect(row?.phones[0]).toBe('+77071234567');
    expect(row?.phoneVerifiedAt).not.toBeNull();
    expect(await checkOf(app.applicantId)).toMatchObject({ outcome: 'changed' });
  });

  it('the job runs on the policy date and schedules the next year once', () => {
    const next = nextYearlyCheck(new Date('2026-05-02T12:00:00Z'), defaultPolicy);
    expect(next.dedupeKey).toBe(`${YEARLY_JOB}:2027-05-01`);
    expect(nextYearlyCheck(new Date('2026-04-30T12:00:00Z'), defaultPolicy).dedupeKey).toBe(`${YEARLY_JOB}:2026-05-01`);
    expect(Object.keys(contactCheckJobs(() => defaultPolicy))).toEqual([YEARLY_JOB]);
  });
});

describe('after an undelivered message', () => {
  it('the parent who blocked the bot is asked when they write again', async () => {
    const tg = new FakeTelegram();
    const { bot } = await makeBot(database, { tg });
    const parent = new FakeParent(bot, tg, { languageCode: 'kk' });
    const app = await registered(parent.id, 'kk');
    tg.failChat(parent.id, { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await enqueueNotification(database.db, { applicantId: app.applicantId, applicationId: app.id, kind: 'priority_verified', params: { number: app.number } });
    await notifierFor([app.applicantId], tg).tick();
    expect(await checkOf(app.applicantId)).toMatchObject({ reason: 'undelivered', closedAt: null });
    // On the list as undelivered right away.
    expect((await toPhone(staff)).find((r) => r.id === app.id)).toMatchObject({ why: 'undelivered', checkReason: 'undelivered' });

    tg.failChat(parent.id, { error_code: 403, description: 'x' }, 0);
    const shown = await parent.say('/start');
    expect(shown.at(-1)?.text).toContain(`Өтініштегі телефон: ${masked}. Бұл нөмір әлі сіздікі ме?`);
    expect(parent.buttons()).toEqual(['✅ Иә, нөмірім осы', '📱 Жаңа нөмір беру']);
    // Back and not yet overdue: off the list.
    expect((await toPhone(staff)).some((r) => r.id === app.id)).toBe(false);
  });
});

describe('the list to phone', () => {
  it('an unanswered question puts the parent on it after the window; staff record the call; the place stays', async () => {
    const app = await registered(newTelegramUserId(), 'kk');
    const long = new Date(Date.now() - (defaultPolicy.contactCheckWindowDays + 1) * DAY);
    const recent = await registered(newTelegramUserId(), 'kk');
    await database.db.transaction(async (tx) => {
      await openContactCheck(tx, { applicantId: app.applicantId, reason: 'yearly', now: long, policy: defaultPolicy, ask: false });
      await openContactCheck(tx, { applicantId: recent.applicantId, reason: 'yearly', now: new Date(), policy: defaultPolicy, ask: false });
    });
    const listed = await toPhone(staff);
    expect(listed.find((r) => r.id === app.id)).toMatchObject({ why: 'unconfirmed', checkReason: 'yearly', status: 'registered' });
    expect(listed.some((r) => r.id === recent.id)).toBe(false);
    expect((await toPhone(elsewhere)).some((r) => r.id === app.id)).toBe(false);

    // Nobody answered: recorded, still on the list, still in the queue.
    expect((await auditor.post(`/api/unreachable-parents/${app.id}/call`, { outcome: 'not_reached', note: 'телефон өшірулі' })).status).toBe(403);
    expect((await elsewhere.post(`/api/unreachable-parents/${app.id}/call`, { outcome: 'not_reached', note: 'телефон өшірулі' })).status).toBe(404);
    const missed = await staff.post(`/api/unreachable-parents/${app.id}/call`, { outcome: 'not_reached', note: 'телефон өшірулі' });
    expect(missed.status, missed.text).toBe(200);
    expect((await toPhone(staff)).some((r) => r.id === app.id)).toBe(true);
    const bad = await staff.post(`/api/unreachable-parents/${app.id}/call`, { outcome: 'changed', phone: '12345', note: 'жаңа нөмір' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('phone');

    const changed = await staff.post(`/api/unreachable-parents/${app.id}/call`, { outcome: 'changed', phone: '8 707 765 43 21', note: 'әкесі жаңа нөмір берді' });
    expect(changed.status, changed.text).toBe(200);
    expect((await toPhone(staff)).some((r) => r.id === app.id)).toBe(false);
    expect(await checkOf(app.applicantId)).toMatchObject({ outcome: 'staff_changed' });
    const [still] = await database.db.select().from(applications).where(eq(applications.id, app.id));
    expect(still?.status).toBe('registered');
    const trail = await database.db
      .select({ action: auditLog.action, to: auditLog.toState, reason: auditLog.reason, actor: auditLog.actorType })
      .from(auditLog)
      .where(and(eq(auditLog.actorType, 'staff'), eq(auditLog.entity, 'application'), eq(auditLog.entityId, app.id)))
      .orderBy(auditLog.id);
    expect(trail).toEqual([{ action: 'contact.call', to: 'not_reached', reason: 'телефон өшірулі', actor: 'staff' }]);
    const phoneAudit = await database.db
      .select({ action: auditLog.action, reason: auditLog.reason, to: auditLog.toState })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'applicant'), eq(auditLog.entityId, app.applicantId), eq(auditLog.actorType, 'staff')))
      .orderBy(auditLog.id);
    expect(phoneAudit).toEqual([
      { action: 'applicant.phone', reason: 'әкесі жаңа нөмір берді', to: maskPhone('+77077654321') },
      { action: 'contact.check_closed', reason: 'yearly', to: 'staff_changed' },
    ]);
  });
});
