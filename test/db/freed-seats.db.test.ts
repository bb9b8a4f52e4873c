/**
 * SPEC "Referral windows": an unconfirmed or unused referral lapses and the seat goes to the
 * next child; a declined offer frees its seat too. The seat is offered by the rule of "next in
 * queue" (ranked kindergarten, stop list, twins together), by the system, audited and notified.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applicants, applications, auditLog, groups, jobs, notifications, referrals } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { runDueJobs } from '../../core/jobs.ts';
import { offerNextInQueue, placementJobs } from '../../core/placement.ts';
import { groupSeats } from '../../core/seats.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { withdrawByParent } from '../../core/parent-actions.ts';
import { getPosition } from '../../core/position.ts';
import { loadSigningKey, type SigningKey } from '../../core/signing.ts';
import { confirmOffer, declineOffer, referralJobs } from '../../core/referrals.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';

const staff = { type: 'staff', id: 7 } as const;
const parent = { type: 'parent', id: null } as const;
const year = new Date().getUTCFullYear() - 3;
const config = { PUBLIC_URL: undefined, PORT: 3000, SIGNING_KEY: undefined };
let database: Database;
let signingKey: SigningKey;

beforeAll(async () => {
  database = await openTestDatabase();
  signingKey = await loadSigningKey(database.db, config);
});
afterAll(async () => {
  await database.close();
});

const handlersFor = (policy: Policy) => ({ ...referralJobs(() => policy), ...placementJobs(() => policy) });

/** The worker's run at `now`, as main.ts wires it, over this group's referrals only (the database may be shared). */
async function runJobs(groupId: number, policy: Policy, now: Date): Promise<number> {
  const ids = (await database.db.select({ id: referrals.id }).from(referrals).where(eq(referrals.groupId, groupId))).map((r) => r.id);
  return runDueJobs(database.db, handlersFor(policy), { now: () => now, scope: { referralIds: ids } });
}

interface Setup {
  places: Places;
  groupId: number;
  /** Waiting children in registration order. */
  ids: number[];
}

/**
 * A district whose first kindergarten's kk group for `year` has `free` seats, and children
 * waiting in the given order; each ranks the kindergartens given (default: the first two).
 */
async function setup(children: (number[] | 'first' | 'second')[], free: number, registeredBefore: Date): Promise<Setup> {
  const places = await createPlaces(database.db);
  const [kg1, kg2] = places.kindergartenIds as [number, number];
  const [group] = await database.db
    .select()
    .from(groups)
    .where(and(eq(groups.kindergartenId, kg1), eq(groups.birthYear, year), eq(groups.language, 'kk')));
  await database.db.update(groups).set({ capacity: 20, enrolled: 20 - free }).where(eq(groups.id, group!.id));
  const ids: number[] = [];
  for (const [i, choice] of children.entries()) {
    const at = new Date(registeredBefore.getTime() - (children.length - i) * 86_400_000);
    const kindergartenIds = choice === 'first' ? [kg1, kg2] : choice === 'second' ? [kg2] : choice;
    const { application } = await submitApplication(
      database.db,
      applicationInput(places, { childYear: year, at, kindergartenIds }),
      parent,
      defaultPolicy,
      at,
    );
    ids.push(application.id);
  }
  return { places, groupId: group!.id, ids };
}

const freeOf = async (groupId: number) => (await groupSeats(database.db, { groupIds: [groupId] }))[0]!.free;
const live = (groupId: number) =>
  database.db
    .select()
    .from(referrals)
    .where(and(eq(referrals.groupId, groupId), inArray(referrals.status, ['offered', 'issued'])))
    .orderBy(referrals.id);
const statusOf = async (id: number) => (await database.db.select().from(applications).where(eq(applications.id, id)))[0]!;
const offerAudit = (applicationId: number) =>
  database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, applicationId), eq(auditLog.action, 'application.offer')));
const notes = (applicationId: number) => database.db.select().from(notifications).where(eq(notifications.applicationId, applicationId));
const seatJob = async (referralId: number) => (await database.db.select().from(jobs).where(eq(jobs.dedupeKey, `referral:${referralId}:seat`)))[0];

/** The system's offer of a freed seat: audited with its cause, and the parent notified as for any offer. */
async function expectOfferedBySystem(applicationId: number, groupId: number, freedReferralId: number) {
  expect((await statusOf(applicationId)).status).toBe('offered');
  const [row] = await offerAudit(applicationId);
  expect(row).toMatchObject({ actorType: 'system', actorId: null, reason: 'seat_freed', fromState: 'registered', toState: 'offered' });
  expect(row!.data).toMatchObject({ groupId, freedReferralId });
  const offered = (await notes(applicationId)).filter((n) => n.kind === 'status_offer');
  expect(offered).toHaveLength(1);
  expect(offered[0]!.params).toMatchObject({ kindergarten: 1, deadline: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
}

describe('a freed seat goes to the next child', () => {
  it('an offer lapses: the next child in queue order who ranked the kindergarten gets it; the stop-listed and the one who let it lapse do not', async () => {
    const policy = defaultPolicy;
    const now = new Date('2026-11-23T05:00:00Z');
    // Waiting: ours, one who ranked only another kindergarten, one on the stop list, then the next.
    const { groupId, ids } = await setup(['first', 'second', 'first', 'first', 'first'], 1, now);
    const [ours, elsewhere, stopped, next, last] = ids as [number, number, number, number, number];
    const first = await offerNextInQueue(database.db, { groupId, actor: staff, policy, now });
    const ref = first.referrals[0]!;
    expect(ref.applicationId).toBe(ours);
    await database.db.update(applications).set({ stopUntil: new Date('2027-01-01T00:00:00Z') }).where(eq(applications.id, stopped));

    const afterDeadline = new Date(ref.confirmBy.getTime() + 60_000);
    await runJobs(groupId, policy, afterDeadline);

    expect((await statusOf(ours)).status).toBe('registered');
    expect((await statusOf(ours)).stopUntil).not.toBeNull();
    expect(await live(groupId)).toEqual([expect.objectContaining({ applicationId: next, status: 'offered' })]);
    expect(await freeOf(groupId)).toBe(0);
    await expectOfferedBySystem(next, groupId, ref.id);
    for (const id of [elsewhere, stopped, last]) expect((await statusOf(id)).status).toBe('registered');
    expect(await seatJob(ref.id)).toMatchObject({ status: 'done', lastError: null });
  });

  it('a declined offer (by the parent or by staff) goes to the next child, not back to the one who declined', async () => {
    const policy = defaultPolicy;
    const now = new Date('2026-11-23T05:00:00Z');
    const { groupId, ids } = await setup(['first', 'first', 'first'], 1, now);
    const [a, b, c] = ids as [number, number, number];
    const positionOfA = (await getPosition(database.db, a, policy))!.position;

    const first = (await offerNextInQueue(database.db, { groupId, actor: staff, policy, now })).referrals[0]!;
    expect(first.applicationId).toBe(a);
    await declineOffer(database.db, { referralId: first.id, actor: parent, policy, now });
    await runJobs(groupId, policy, now);
    // The one who declined waits in its old place, without an offer of the seat it turned down.
    expect((await statusOf(a)).status).toBe('registered');
    expect((await getPosition(database.db, a, policy))!.position).toBe(positionOfA);
    expect(await live(groupId)).toEqual([expect.objectContaining({ applicationId: b, status: 'offered' })]);
    await expectOfferedBySystem(b, groupId, first.id);

    // Staff decline for the parent (the panel): the same.
    const second = (await live(groupId))[0]!;
    await declineOffer(database.db, { referralId: second.id, actor: staff, policy, now, onBehalf: { reason: 'ата-анасы телефон соқты', channel: 'phone' } });
    await runJobs(groupId, policy, now);
    expect(await live(groupId)).toEqual([expect.objectContaining({ applicationId: a, status: 'offered' })]);
    expect((await offerAudit(a)).map((r) => [r.actorType, r.reason])).toEqual([
      ['staff', null],
      ['system', 'seat_freed'],
    ]);
    expect((await statusOf(c)).status).toBe('registered');
  });

  it('a referral lapsing outside the August freeze moves the seat; inside it the seat stays free', async () => {
    const policy = defaultPolicy;
    for (const [offeredAt, expected] of [
      ['2026-10-05T05:00:00Z', 'moves'],
      ['2026-07-27T05:00:00Z', 'stays'],
    ] as const) {
      const now = new Date(offeredAt);
      const { groupId, ids } = await setup(['first', 'first'], 1, now);
      const offer = (await offerNextInQueue(database.db, { groupId, actor: staff, policy, now })).referrals[0]!;
      const issued = await confirmOffer(database.db, { referralId: offer.id, actor: parent, policy, signingKey, now });
      const lapseAt = new Date(issued.presentBy!.getTime() + 60_000);
      await runJobs(groupId, policy, lapseAt);
      expect((await database.db.select().from(referrals).where(eq(referrals.id, offer.id)))[0]!.status).toBe('lapsed');
      if (expected === 'moves') {
        expect(lapseAt.getUTCMonth()).not.toBe(7);
        expect(await live(groupId)).toEqual([expect.objectContaining({ applicationId: ids[1], status: 'offered' })]);
        await expectOfferedBySystem(ids[1]!, groupId, offer.id);
      } else {
        expect(lapseAt.getUTCMonth()).toBe(7); // August, in Almaty too
        expect(await live(groupId)).toEqual([]);
        expect(await freeOf(groupId)).toBe(1);
        expect((await statusOf(ids[1]!)).status).toBe('registered');
        expect(await seatJob(offer.id)).toMatchObject({ status: 'done', lastError: null });
      }
    }
  });

  it('with the region\'s policy off, a lapse or a decline offers nothing', async () => {
    const off: Policy = { ...defaultPolicy, offerFreedSeats: false };
    const now = new Date('2026-11-23T05:00:00Z');
    const { groupId, ids } = await setup(['first', 'first', 'first'], 2, now);
    const [a, b] = (await offerNextInQueue(database.db, { groupId, actor: staff, policy: off, now })).referrals.concat(
      (await offerNextInQueue(database.db, { groupId, actor: staff, policy: off, now })).referrals,
    ) as [typeof referrals.$inferSelect, typeof referrals.$inferSelect];
    await declineOffer(database.db, { referralId: a.id, actor: parent, policy: off, now });
    await runJobs(groupId, off, new Date(b.confirmBy.getTime() + 60_000));
    expect(await live(groupId)).toEqual([]);
    expect(await freeOf(groupId)).toBe(2);
    expect(await seatJob(a.id)).toBeUndefined();
    expect(await seatJob(b.id)).toBeUndefined();
    expect((await statusOf(ids[2]!)).status).toBe('registered');

    // Turned off while a freed seat waits for the worker: the pending job offers nothing either.
    const on = defaultPolicy;
    const c = (await offerNextInQueue(database.db, { groupId, actor: staff, policy: on, now })).referrals[0]!;
    await declineOffer(database.db, { referralId: c.id, actor: parent, policy: on, now });
    await runJobs(groupId, off, now);
    expect(await seatJob(c.id)).toMatchObject({ status: 'done' });
    expect(await live(groupId)).toEqual([]);
  });

  it('twins offered together who both let the offer lapse: the next twins get both seats, nobody gets a third', async () => {
    const policy = defaultPolicy;
    const now = new Date('2026-11-23T05:00:00Z');
    const { groupId, ids } = await setup(['first', 'first', 'first', 'first', 'first'], 2, now);
    const [t1, t2, u1, u2, single] = ids as [number, number, number, number, number];
    await database.db.update(applications).set({ twinGroupId: t1 }).where(inArray(applications.id, [t1, t2]));
    await database.db.update(applications).set({ twinGroupId: u1 }).where(inArray(applications.id, [u1, u2]));
    const pair = (await offerNextInQueue(database.db, { groupId, actor: staff, policy, now })).referrals;
    expect(pair.map((r) => r.applicationId)).toEqual([t1, t2]);

    await runJobs(groupId, policy, new Date(pair[0]!.confirmBy.getTime() + 60_000));
    expect((await live(groupId)).map((r) => r.applicationId)).toEqual([u1, u2]);
    expect(await freeOf(groupId)).toBe(0);
    expect((await statusOf(single)).status).toBe('registered');
    for (const r of pair) expect(await seatJob(r.id)).toMatchObject({ status: 'done', lastError: null });
  });

  it('twins who decline one by one are not offered the seats back; one freed seat passes over waiting twins', async () => {
    const policy = defaultPolicy;
    const now = new Date('2026-11-23T05:00:00Z');
    const { groupId, ids } = await setup(['first', 'first', 'first', 'first', 'first', 'first'], 2, now);
    const [t1, t2, u1, u2, s1, s2] = ids as [number, number, number, number, number, number];
    await database.db.update(applications).set({ twinGroupId: t1 }).where(inArray(applications.id, [t1, t2]));
    await database.db.update(applications).set({ twinGroupId: u1 }).where(inArray(applications.id, [u1, u2]));
    const pair = (await offerNextInQueue(database.db, { groupId, actor: staff, policy, now })).referrals;
    expect(pair.map((r) => r.applicationId)).toEqual([t1, t2]);

    // One seat free: the waiting twins u1, u2 need two and are passed over; s1 gets it.
    await declineOffer(database.db, { referralId: pair[0]!.id, actor: parent, policy, now });
    await runJobs(groupId, policy, now);
    expect((await live(groupId)).map((r) => r.applicationId).sort()).toEqual([t2, s1].sort());
    // The other twin declines: t1 waits again, but not for the seat t2 turned down.
    await declineOffer(database.db, { referralId: pair[1]!.id, actor: parent, policy, now });
    await runJobs(groupId, policy, now);
    expect((await live(groupId)).map((r) => r.applicationId).sort()).toEqual([s1, s2].sort());
    for (const id of [t1, t2, u1, u2]) expect((await statusOf(id)).status).toBe('registered');
  });

  it('a parent withdrawing the application while holding an offer or a referral gives the place up: the seat goes on at once', async () => {
    const policy = defaultPolicy;
    const now = new Date('2026-11-23T05:00:00Z');
    const { groupId, ids } = await setup(['first', 'first', 'first'], 2, now);
    const [a, b, c] = ids as [number, number, number];
    const offers = [
      (await offerNextInQueue(database.db, { groupId, actor: staff, policy, now })).referrals[0]!,
      (await offerNextInQueue(database.db, { groupId, actor: staff, policy, now })).referrals[0]!,
    ];
    expect(offers.map((r) => r.applicationId)).toEqual([a, b]);
    const issued = await confirmOffer(database.db, { referralId: offers[1]!.id, actor: parent, policy, signingKey, now });
    const telegramOf = async (applicationId: number) =>
      (await database.db.select({ t: applicants.telegramUserId }).from(applicants).innerJoin(applications, eq(applications.applicantId, applicants.id)).where(eq(applications.id, applicationId)))[0]!.t!;

    await withdrawByParent(database.db, { telegramUserId: await telegramOf(a), applicationId: a, policy, now });
    await runJobs(groupId, policy, now);
    expect((await statusOf(a)).status).toBe('withdrawn');
    expect((await database.db.select().from(referrals).where(eq(referrals.id, offers[0]!.id)))[0]!.status).toBe('declined');
    expect((await live(groupId)).map((r) => r.applicationId).sort()).toEqual([b, c].sort());
    await expectOfferedBySystem(c, groupId, offers[0]!.id);

    // An issued referral too; nobody else waits, so the seat stays free, and the deadline job later finds nothing to lapse.
    await withdrawByParent(database.db, { telegramUserId: await telegramOf(b), applicationId: b, policy, now });
    await runJobs(groupId, policy, now);
    expect((await database.db.select().from(referrals).where(eq(referrals.id, issued.id)))[0]!.status).toBe('declined');
    expect(await freeOf(groupId)).toBe(1);
    const later = new Date(issued.presentBy!.getTime() + 60_000);
    await runDueJobs(database.db, handlersFor(policy), { now: () => later, scope: { referralIds: [issued.id] } });
    expect(await database.db.select().from(jobs).where(and(eq(jobs.dedupeKey, `referral:${issued.id}:expire`)))).toEqual([
      expect.objectContaining({ status: 'done', lastError: null }),
    ]);
  });

  it('nobody left who ranked the kindergarten: nothing happens and the job is done without an error', async () => {
    const policy = defaultPolicy;
    const now = new Date('2026-11-23T05:00:00Z');
    const { groupId, ids } = await setup(['first', 'second'], 1, now);
    const offer = (await offerNextInQueue(database.db, { groupId, actor: staff, policy, now })).referrals[0]!;
    await declineOffer(database.db, { referralId: offer.id, actor: parent, policy, now });
    expect(await runJobs(groupId, policy, now)).toBeGreaterThan(0);
    expect(await seatJob(offer.id)).toMatchObject({ status: 'done', lastError: null, attempts: 1 });
    expect(await live(groupId)).toEqual([]);
    expect(await freeOf(groupId)).toBe(1);
    for (const id of ids) expect((await statusOf(id)).status).toBe('registered');
  });
});
