/**
 * A seat given up reaches the next child without staff: a parent declines the offer in the bot,
 * the worker offers the seat to the next child who ranked the kindergarten, and the notifier
 * tells that child's parent in Telegram; staff declining for a parent in the panel does the
 * same. Telegram is faked at the HTTP level. Runs on PGlite and on the real PostgreSQL server.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, createNotifierApi } from '../../bot/notifier.ts';
import { submitApplication } from '../../core/applications.ts';
import { runDueJobs } from '../../core/jobs.ts';
import { placementJobs } from '../../core/placement.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { referralJobs } from '../../core/referrals.ts';
import type { Database } from '../../db/client.ts';
import { groups, referrals } from '../../db/schema/index.ts';
import { botConfig, makeBot } from '../support/bot.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces } from '../support/factories.ts';
import { FakeParent } from '../support/fake-telegram.ts';
import { client, createStaff, listQuery, signIn, testServer } from '../support/admin.ts';
import { testLogger } from '../support/logger.ts';

// No August freeze during the run, whatever the date.
const policy: Policy = { ...defaultPolicy, freeze: { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } } };
const year = new Date().getUTCFullYear() - 3;
let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('a seat given up goes to the next child by itself', () => {
  it('declined in the bot → offered to the next child → their parent told in Telegram; declined in the panel → the same', async () => {
    const app = testServer(database, policy);
    const places = await createPlaces(database.db);
    const s = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
    const a = await createStaff(database, ['admin']);
    const staff = client(app, await signIn(app, s.login, s.password, '10.7.1.1'));
    const admin = client(app, await signIn(app, a.login, a.password, '10.7.1.2'));
    const harness = await makeBot(database, { policy });
    const { bot, tg } = harness;
    const [kg1, kg2] = places.kindergartenIds as [number, number];
    const [group] = await database.db
      .select()
      .from(groups)
      .where(and(eq(groups.kindergartenId, kg1), eq(groups.birthYear, year), eq(groups.language, 'kk')));
    await database.db.update(groups).set({ capacity: 25, enrolled: 24 }).where(eq(groups.id, group!.id));

    const parents = [new FakeParent(bot, tg), new FakeParent(bot, tg), new FakeParent(bot, tg)];
    const apply = async (kindergartenIds: number[], telegramUserId: number) => {
      const input = applicationInput(places, { childYear: year, language: 'kk', kindergartenIds });
      input.applicant.telegramUserId = telegramUserId;
      input.applicant.language = 'kk';
      return (await submitApplication(database.db, input, { type: 'parent', id: null }, policy)).application;
    };
    // Waiting in this order: A, a child who ranked only kindergarten 2, then B and C.
    const first = await apply([kg1, kg2], parents[0]!.id);
    const elsewhere = await apply([kg2], parents[0]!.id + 1);
    const second = await apply([kg1], parents[1]!.id);
    const third = await apply([kg1], parents[2]!.id);
    const mine = [first, elsewhere, second, third];

    const handlers = { ...referralJobs(() => policy), ...placementJobs(() => policy) };
    const worker = async () => {
      const ids = (await database.db.select({ id: referrals.id }).from(referrals).where(eq(referrals.groupId, group!.id))).map((r) => r.id);
      return runDueJobs(database.db, handlers, { scope: { referralIds: ids } });
    };
    const notifier = createNotifier({
      db: database.db,
      logger: testLogger(),
      i18n: harness.i18n,
      api: createNotifierApi(botConfig, { fetch: tg.fetch }),
      scope: { applicantIds: mine.map((x) => x.applicantId) },
    });
    const offersTo = (chatId: number) =>
      tg.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === chatId && String(c.payload.text).includes('орын ұсынылды'));

    // Staff offer the seat: A gets it.
    const offer = await staff.post('/api/referrals', { groupId: group!.id });
    expect(offer.json).toMatchObject({ applicationId: first.id, status: 'offered' });
    while ((await notifier.tick()) > 0);
    expect(offersTo(parents[0]!.id)).toHaveLength(1);

    // A turns it down in the bot.
    await parents[0]!.tap('📋 Менің өтініштерім');
    await parents[0]!.tap('Орыннан бас тарту');
    const declined = await parents[0]!.tap('Иә, бас тартамын');
    expect(declined.at(-1)!.text).toBe('Орыннан бас тарттыңыз. Бала кезектегі бұрынғы орнында қалды.');

    // The worker passes the seat on to B (not back to A, not to the child who ranked another kindergarten).
    expect(await worker()).toBeGreaterThan(0);
    expect((await staff.get(`/api/groups/${group!.id}`)).json).toMatchObject({ free: 0, held: 1 });
    const toB = (await staff.get(`/api/referrals?${listQuery({ groupId: group!.id, status: 'offered' })}`)).json;
    expect(toB).toEqual([expect.objectContaining({ applicationId: second.id, status: 'offered' })]);
    while ((await notifier.tick()) > 0);
    const told = offersTo(parents[1]!.id);
    expect(told).toHaveLength(1);
    expect(told[0]!.payload.text).toContain(`№ ${second.number} өтініш: балаңызға орын ұсынылды — № 1 «Балапан» балабақшасы.`);
    expect(offersTo(parents[0]!.id)).toHaveLength(1);
    expect(offersTo(parents[2]!.id)).toHaveLength(0);

    // Staff decline for B in the panel: the seat goes on by the queue's order, where A is first
    // again (only the child who gave this seat up is passed over), and A's parent is told.
    const panelDecline = await staff.post(`/api/referrals/${toB[0].id}/decline`, { reason: 'ата-анасы телефон соқты', channel: 'phone' });
    expect(panelDecline.status, panelDecline.text).toBe(200);
    await worker();
    while ((await notifier.tick()) > 0);
    expect(offersTo(parents[0]!.id)).toHaveLength(2);
    expect(offersTo(parents[1]!.id)).toHaveLength(1);
    expect(offersTo(parents[2]!.id)).toHaveLength(0);
    for (const [x, status] of [[first, 'offered'], [second, 'registered'], [third, 'registered'], [elsewhere, 'registered']] as const) {
      expect((await staff.get(`/api/applications/${x.id}`)).json.status).toBe(status);
    }

    // The audit log says who offered it and why.
    const trail = await admin.get(`/api/audit-log?${listQuery({ entity: 'application', action: 'application.offer' }, ['id', 'ASC'], [0, 1000])}`);
    const offers = (trail.json as { entityId: number; actorType: string; actorId: number | null; reason: string | null }[])
      .filter((x) => mine.some((m) => m.id === x.entityId))
      .map((x) => [x.entityId, x.actorType, x.actorId, x.reason]);
    expect(offers).toEqual([
      [first.id, 'staff', s.id, null],
      [second.id, 'system', null, 'seat_freed'],
      [first.id, 'system', null, 'seat_freed'],
    ]);
  });
});
