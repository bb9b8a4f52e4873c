/**
 * Issue #5's "done when", end to end on one database: an admin adds a seat to a full group in the
 * panel's API, district staff offer it to the next child in the queue, the notifier delivers the
 * offer to the parent's Telegram chat, the parent confirms in the bot and receives the referral
 * PDF (its text and its QR code read back), the public verification page says it is genuine and
 * valid, and every step is in the audit log and in the application's history as the API shows
 * them. Telegram is faked at the HTTP level. Runs on PGlite and on the real PostgreSQL server.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, createNotifierApi } from '../../bot/notifier.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import type { Database } from '../../db/client.ts';
import { groups } from '../../db/schema/index.ts';
import { botConfig, makeBot } from '../support/bot.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { FakeParent } from '../support/fake-telegram.ts';
import { client, createStaff, listQuery, signIn, testServer, type Client, type TestApp } from '../support/admin.ts';
import { pdfQrCodes } from '../support/pdf-image.ts';
import { flatText } from '../support/pdf-text.ts';
import { testLogger } from '../support/logger.ts';

// No August freeze during the run, whatever the date.
const policy: Policy = { ...defaultPolicy, freeze: { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } } };
const year = new Date().getUTCFullYear() - 3;
const IP = '10.7.0.1';

let database: Database;
let app: TestApp;
let places: Places;
let admin: Client;
let staff: Client;
let adminId: number;
let staffId: number;

beforeAll(async () => {
  database = await openTestDatabase();
  app = testServer(database, policy);
  places = await createPlaces(database.db);
  const a = await createStaff(database, ['admin']);
  const s = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  [adminId, staffId] = [a.id, s.id];
  admin = client(app, await signIn(app, a.login, a.password, IP));
  staff = client(app, await signIn(app, s.login, s.password, IP));
});
afterAll(async () => {
  await database.close();
});

describe('a seat added in the panel reaches the next child in the bot', () => {
  it('seat → offer → notification → confirm in the bot → referral PDF → verified → audited and in the history', async () => {
    const harness = await makeBot(database, { policy });
    const { bot, tg } = harness;
    const parent = new FakeParent(bot, tg);
    const [kg1, kg2] = places.kindergartenIds as [number, number];
    const [group] = await database.db
      .select()
      .from(groups)
      .where(and(eq(groups.kindergartenId, kg1), eq(groups.birthYear, year), eq(groups.language, 'kk')));
    // The group is full.
    await database.db.update(groups).set({ capacity: 25, enrolled: 25 }).where(eq(groups.id, group!.id));

    const apply = async (kindergartenIds: number[], telegramUserId: number | null, childName: string) => {
      const input = applicationInput(places, { childYear: year, language: 'kk', kindergartenIds });
      input.applicant.telegramUserId = telegramUserId;
      input.applicant.language = 'kk';
      input.child.fullName = childName;
      return (await submitApplication(database.db, input, { type: 'parent', id: null }, policy)).application;
    };
    // Waiting, in this order: a child who did not rank kindergarten 1, ours, then a later one.
    const elsewhere = await apply([kg2], null, 'Бекұлы Арман');
    const ours = await apply([kg1, kg2], parent.id, 'Жұмабек Інжу Ерғалиқызы');
    const later = await apply([kg1], null, 'Серікова Аяла');

    // 1. An admin adds a seat: capacity 25 → 26.
    const before = await staff.get(`/api/groups/${group!.id}`);
    expect(before.json).toMatchObject({ capacity: 25, enrolled: 25, free: 0 });
    expect((await staff.post('/api/referrals', { groupId: group!.id })).json.error).toBe('no_free_seats');
    const seat = await admin.put(`/api/groups/${group!.id}`, { capacity: 26 });
    expect(seat.status, seat.text).toBe(200);
    expect((await staff.get(`/api/groups/${group!.id}`)).json).toMatchObject({ capacity: 26, free: 1, held: 0 });

    // 2. District staff offer it to the next in queue: our child (the first one who ranked kindergarten 1).
    const offer = await staff.post('/api/referrals', { groupId: group!.id });
    expect(offer.status, offer.text).toBe(201);
    expect(offer.json).toMatchObject({ applicationId: ours.id, groupId: group!.id, status: 'offered', kindergartenNumber: 1, offered: [offer.json.id] });
    expect((await staff.get(`/api/groups/${group!.id}`)).json).toMatchObject({ free: 0, held: 1 });

    // 3. The notifier delivers the offer to the parent's chat (and the registration notice before it).
    const i18n = harness.i18n;
    const notifier = createNotifier({
      db: database.db,
      logger: testLogger(),
      i18n,
      api: createNotifierApi(botConfig, { fetch: tg.fetch }),
      scope: { applicantIds: [elsewhere.applicantId, ours.applicantId, later.applicantId] },
    });
    while ((await notifier.tick()) > 0);
    const toParent = tg.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === parent.id);
    const deadline = String(offer.json.confirmBy);
    const deadlineDay = new Date(deadline).toLocaleDateString('ru-RU', { timeZone: 'Asia/Almaty', day: '2-digit', month: '2-digit', year: 'numeric' });
    expect(toParent.map((c) => c.payload.text)).toEqual([
      `✅ № ${ours.number} өтініш кезекке қойылды. Кезектегі орныңызды «📋 Менің өтініштерім» бөлімінен көре аласыз.`,
      `🎉 № ${ours.number} өтініш: балаңызға орын ұсынылды — № 1 «Балапан» балабақшасы. Орынды растаңыз, мерзімі: ${deadlineDay}. Әйтпесе орын келесі балаға беріледі.\n\nҚызметті бағалағыңыз келе ме? Бұл бір минут алады.`,
    ]);
    expect(toParent[1]!.payload.reply_markup).toEqual({
      inline_keyboard: [[{ text: '📋 Менің өтініштерім', callback_data: 'my:list' }], [{ text: '⭐ Қызметті бағалау', callback_data: `fb:start:${ours.id}` }]],
    });
    // Nobody else's parent heard of this seat.
    expect(tg.callsOf('sendMessage').filter((c) => String(c.payload.text).includes('орын ұсынылды'))).toHaveLength(1);

    // 4. The parent opens their applications from the notification and confirms.
    const card = await parent.tap('📋 Менің өтініштерім');
    expect(card.at(-1)!.text).toContain('Мәртебесі: Орын ұсынылды');
    expect(parent.buttons()).toContain('✅ Орынды растау');
    const documentsBefore = tg.callsOf('sendDocument').length;
    const confirmed = await parent.tap('✅ Орынды растау');
    const referral = (await staff.get(`/api/referrals/${offer.json.id}`)).json;
    expect(referral).toMatchObject({ status: 'issued', applicationId: ours.id });
    expect(referral.number).toMatch(/^\d{4}-\d{6}$/);
    const presentDay = new Date(referral.presentBy).toLocaleDateString('ru-RU', { timeZone: 'Asia/Almaty', day: '2-digit', month: '2-digit', year: 'numeric' });
    expect(confirmed[0]!.text).toBe(`✅ Орын расталды. Жолдама № ${referral.number}: оны балабақшаға тапсырыңыз, мерзімі: ${presentDay}.`);

    // 5. The bot sends the referral itself: a PDF in Kazakh with the child, the kindergarten and a QR code.
    const sent = tg.callsOf('sendDocument').slice(documentsBefore);
    expect(sent).toHaveLength(1);
    expect(Number(sent[0]!.payload.chat_id)).toBe(parent.id);
    const attached = String(sent[0]!.payload.document).replace('attach://', '');
    const pdf = Buffer.from(String(sent[0]!.payload[attached]), 'latin1');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = flatText(pdf);
    expect(text).toContain(`№ ${referral.number}`);
    expect(text).toContain('Жұмабек Інжу Ерғалиқызы');
    expect(text).toContain('Балапан');
    expect(text).toContain(ours.number);
    expect(text).not.toContain('Серікова Аяла');
    const [qr, ...more] = pdfQrCodes(pdf);
    expect(more).toEqual([]);
    // The link carries the referral's random token, not its (sequential) number.
    expect(qr).toMatch(/^https?:\/\/[^/]+\/verify\/[0-9a-f]{32}$/);
    expect(qr).not.toContain(referral.number);

    // 6. The address in the QR code says genuine and valid, without personal data.
    const path = new URL(qr!).pathname;
    const page = await app.request(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-verdict="genuine"');
    expect(html).toContain('data-state="valid"');
    expect(html).not.toContain('Жұмабек');
    const check = await (await app.request(`${path}.json`)).json();
    expect(check).toMatchObject({ number: referral.number, found: true, genuine: true, state: 'valid', kindergarten: { number: 1 } });

    // 7. Every step is in the audit log, by who did it…
    const applicationTrail = await admin.get(`/api/audit-log?${listQuery({ entity: 'application', entityId: ours.id }, ['id', 'ASC'])}`);
    expect(applicationTrail.json.map((x: { action: string; actorType: string; actorId: number | null; toState: string | null }) => [x.action, x.actorType, x.actorId, x.toState])).toEqual([
      ['application.submit', 'parent', ours.applicantId, 'submitted'],
      ['application.register', 'system', null, 'registered'],
      ['application.offer', 'staff', staffId, 'offered'],
      ['application.confirm', 'parent', ours.applicantId, 'referred'],
    ]);
    const seatTrail = await admin.get(`/api/audit-log?${listQuery({ action: 'group.update', entity: 'group', entityId: group!.id })}`);
    expect(seatTrail.json).toEqual([expect.objectContaining({ actorType: 'staff', actorId: adminId, data: { capacity: { from: 25, to: 26 } } })]);
    // …and in the application's history as staff see it, with the referral.
    const shown = await staff.get(`/api/applications/${ours.id}`);
    expect(shown.json.status).toBe('referred');
    expect(shown.json.history.map((h: { action: string; fromState: string | null; toState: string | null }) => [h.action, h.fromState, h.toState])).toEqual([
      ['application.submit', null, 'submitted'],
      ['application.register', 'submitted', 'registered'],
      ['application.offer', 'registered', 'offered'],
      ['application.confirm', 'offered', 'referred'],
    ]);
    expect(shown.json.history[2].actorName).toContain('Сынақ Қызметкер');
    expect(shown.json.referrals).toEqual([expect.objectContaining({ id: offer.json.id, number: referral.number, status: 'issued', kindergartenNumber: 1 })]);
    // The others still wait.
    for (const other of [elsewhere, later]) expect((await staff.get(`/api/applications/${other.id}`)).json.status).toBe('registered');

    // 8. The parent's own step is answered in the chat, not repeated by the notifier.
    const sentBefore = tg.callsOf('sendMessage').length;
    while ((await notifier.tick()) > 0);
    expect(tg.callsOf('sendMessage').length).toBe(sentBefore);
  });
});
