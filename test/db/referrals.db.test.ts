import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applications, auditLog, groups, jobs, notifications, queues, referrals } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { RuleError } from '../../core/errors.ts';
import { runDueJobs } from '../../core/jobs.ts';
import { mergedOrder } from '../../core/allocation.ts';
import { offerNextInQueue, placementJobs } from '../../core/placement.ts';
import { commitRound, planRound, previewRound } from '../../core/rounds.ts';
import { groupSeats } from '../../core/seats.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { getPosition } from '../../core/position.ts';
import { checkReferral } from '../../core/document-data.ts';
import { loadSigningKey, type SigningKey } from '../../core/signing.ts';
import { confirmOffer, declineOffer, enrolReferral, extendReferral, referralJobs } from '../../core/referrals.ts';
import { changeStatus } from '../../core/status.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, grantPriority } from '../support/factories.ts';
import { referenceOrder } from '../support/reference.ts';

const staff = { type: 'staff', id: 7 } as const;
const parent = { type: 'parent', id: null } as const;
const policy = defaultPolicy;
// As main.ts runs them: a lapse's freed seat is offered on by the same worker.
const handlers = { ...referralJobs(() => policy), ...placementJobs(() => policy) };
let signingKey: SigningKey;
const config = { PUBLIC_URL: undefined, PORT: 3000, SIGNING_KEY: undefined };
const year = new Date().getUTCFullYear() - 3;
let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
  signingKey = await loadSigningKey(database.db, config);
});
afterAll(async () => {
  await database.close();
});

/** A district whose first kindergarten's kk group for `year` has `free` seats; n children waiting for it. */
async function setup(n: number, free: number, registeredBefore: Date) {
  const places = await createPlaces(database.db);
  const [group] = await database.db
    .select()
    .from(groups)
    .where(and(eq(groups.kindergartenId, places.kindergartenIds[0]!), eq(groups.birthYear, year), eq(groups.language, 'kk')));
  await database.db.update(groups).set({ capacity: 20, enrolled: 20 - free }).where(eq(groups.id, group!.id));
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(registeredBefore.getTime() - (n - i) * 86_400_000);
    const { application } = await submitApplication(
      database.db,
      applicationInput(places, { childYear: year, at, kindergartenIds: [places.kindergartenIds[0]!, places.kindergartenIds[1]!] }),
      parent,
      policy,
      at,
    );
    ids.push(application.id);
  }
  return { places, groupId: group!.id, ids };
}

const freeOf = async (groupId: number) => (await groupSeats(database.db, { groupIds: [groupId] }))[0]!.free;
const statusOf = async (id: number) => (await database.db.select().from(applications).where(eq(applications.id, id)))[0]!;
const notes = (id: number) => database.db.select().from(notifications).where(eq(notifications.applicationId, id)).orderBy(notifications.id);

describe('the referral life, on a fake clock across Nauryz', () => {
  it('offer → reminder → confirm → extension → lapse to the stop list → the seat goes to the next child', async () => {
    // Friday 20 March 2026, 10:00 in Almaty; 21–25 March are Nauryz and its carried days off.
    const friday = new Date('2026-03-20T05:00:00Z');
    const { groupId, ids } = await setup(3, 1, friday);
    expect(await freeOf(groupId)).toBe(1);

    const offered = await offerNextInQueue(database.db, { groupId, actor: staff, policy, now: friday });
    const [ref] = offered.referrals;
    expect(ref).toMatchObject({ applicationId: ids[0], status: 'offered' });
    expect(ref!.confirmBy.toISOString()).toBe('2026-03-27T18:59:59.999Z'); // two working days: Thu 26, Fri 27
    expect(await freeOf(groupId)).toBe(0);
    expect((await statusOf(ids[0]!)).status).toBe('offered');
    expect((await notes(ids[0]!)).map((n) => [n.kind, (n.params as Record<string, unknown>).deadline])).toContainEqual(['status_offer', '2026-03-27']);
    await expect(offerNextInQueue(database.db, { groupId, actor: staff, policy, now: friday })).rejects.toMatchObject({ code: 'no_free_seats' });

    // Nothing is due over the holidays; the reminder comes on Thursday 26 March at 10:00, once.
    expect(await runDueJobs(database.db, handlers, { now: () => new Date('2026-03-25T12:00:00Z') })).toBe(0);
    expect(await runDueJobs(database.db, handlers, { now: () => new Date('2026-03-26T06:00:00Z') })).toBeGreaterThan(0);
    await runDueJobs(database.db, handlers, { now: () => new Date('2026-03-26T06:30:00Z') });
    expect((await notes(ids[0]!)).filter((n) => n.kind === 'reminder_offered')).toHaveLength(1);

    const issued = await confirmOffer(database.db, { referralId: ref!.id, actor: parent, policy, signingKey, now: new Date('2026-03-26T07:00:00Z') });
    expect(issued.status).toBe('issued');
    expect(issued.number).toMatch(/^2026-\d{6}$/);
    expect(issued.presentBy!.toISOString()).toBe('2026-04-02T18:59:59.999Z'); // 5 working days: 26 Mar → 2 Apr
    expect((await statusOf(ids[0]!)).status).toBe('referred');
    // Signed: the public page says genuine and valid until the present-by date.
    expect(await checkReferral(database.db, issued.verifyToken, config, new Date('2026-03-27T05:00:00Z'))).toMatchObject({
      found: true,
      genuine: true,
      state: 'valid',
      validUntil: issued.presentBy,
    });
    // The old confirm deadline passing does nothing now.
    await runDueJobs(database.db, handlers, { now: () => new Date('2026-03-28T00:00:00Z') });
    expect((await database.db.select().from(referrals).where(eq(referrals.id, ref!.id)))[0]!.status).toBe('issued');

    const extended = await extendReferral(database.db, { referralId: ref!.id, days: 30, reason: 'child_ill', actor: staff, policy, signingKey, now: new Date('2026-03-30T05:00:00Z') });
    expect(extended.extendedUntil!.toISOString()).toBe('2026-05-02T18:59:59.999Z');
    expect(await checkReferral(database.db, issued.verifyToken, config, new Date('2026-04-20T05:00:00Z'))).toMatchObject({
      genuine: true,
      state: 'valid',
      validUntil: extended.extendedUntil,
    });
    await expect(
      extendReferral(database.db, { referralId: ref!.id, days: 5, reason: 'again', actor: staff, policy, signingKey, now: new Date('2026-03-31T05:00:00Z') }),
    ).rejects.toMatchObject({ code: 'extension_used' });
    await expect(
      extendReferral(database.db, { referralId: ref!.id, days: 31, reason: 'x', actor: staff, policy, signingKey }),
    ).rejects.toBeInstanceOf(RuleError);

    // Still valid on the old present-by date; lapses after the extension ends.
    await runDueJobs(database.db, handlers, { now: () => new Date('2026-04-03T05:00:00Z') });
    expect((await statusOf(ids[0]!)).status).toBe('referred');
    // Reminder the working day before the extended deadline (Sat 2 May; 1 May is a holiday): Thu 30 April.
    await runDueJobs(database.db, handlers, { now: () => new Date('2026-04-30T05:30:00Z') });
    expect((await notes(ids[0]!)).filter((n) => n.kind === 'reminder_issued').map((n) => (n.params as Record<string, unknown>).deadline)).toEqual([
      '2026-05-02',
    ]);
    const afterLapse = new Date('2026-05-03T05:00:00Z');
    await runDueJobs(database.db, handlers, { now: () => afterLapse });
    const lapsed = await statusOf(ids[0]!);
    expect(lapsed.status).toBe('registered');
    expect(lapsed.stopUntil!.getTime()).toBe(afterLapse.getTime() + 10 * 86_400_000);
    expect((await database.db.select().from(referrals).where(eq(referrals.id, ref!.id)))[0]!.status).toBe('lapsed');
    expect(await checkReferral(database.db, issued.verifyToken, config, afterLapse)).toMatchObject({ genuine: true, state: 'lapsed' });
    expect((await notes(ids[0]!)).map((n) => n.kind)).toEqual(
      expect.arrayContaining(['status_offer', 'reminder_offered', 'referral_extended', 'reminder_issued', 'status_lapse']),
    );

    // The seat goes to the next child at once, by the system.
    expect((await statusOf(ids[1]!)).status).toBe('offered');
    expect(await freeOf(groupId)).toBe(0);

    const trail = await database.db.select().from(auditLog).where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, ids[0]!))).orderBy(auditLog.id);
    expect(trail.map((t) => t.action)).toEqual([
      'application.submit',
      'application.register',
      'application.offer',
      'application.confirm',
      'application.referral_extended',
      'application.lapse',
    ]);
    expect(trail.find((t) => t.action === 'application.lapse')).toMatchObject({ actorType: 'system', reason: 'present_window_passed' });
  });

  it('decline returns the child to its old place; enrolment closes the application and fills the seat', async () => {
    const now = new Date('2026-12-15T05:00:00Z');
    const { groupId, ids } = await setup(4, 2, now);
    const before = await getPosition(database.db, ids[1]!, policy);
    const first = await offerNextInQueue(database.db, { groupId, actor: staff, policy, now });
    expect(first.referrals[0]!.confirmBy.toISOString()).toBe('2026-12-18T18:59:59.999Z'); // 16 Dec is Independence Day
    await declineOffer(database.db, { referralId: first.referrals[0]!.id, actor: parent, policy, now });
    expect((await getPosition(database.db, ids[0]!, policy))?.position).toBe(1);
    expect((await getPosition(database.db, ids[1]!, policy))?.position).toBe(before!.position);
    expect(await freeOf(groupId)).toBe(2);

    const again = await offerNextInQueue(database.db, { groupId, actor: staff, policy, now });
    const issued = await confirmOffer(database.db, { referralId: again.referrals[0]!.id, actor: parent, policy, signingKey, now });
    const [groupBefore] = await database.db.select().from(groups).where(eq(groups.id, groupId));
    await enrolReferral(database.db, { referralId: issued.id, actor: staff, policy, now, onBehalf: { reason: 'балабақша хабарлады', channel: 'kindergarten' } });
    const [groupAfter] = await database.db.select().from(groups).where(eq(groups.id, groupId));
    expect(groupAfter!.enrolled).toBe(groupBefore!.enrolled + 1);
    expect(await freeOf(groupId)).toBe(1);
    expect((await statusOf(again.referrals[0]!.applicationId)).status).toBe('enrolled');
    await expect(enrolReferral(database.db, { referralId: issued.id, actor: staff, policy, now, onBehalf: { reason: 'қайта', channel: 'kindergarten' } })).rejects.toMatchObject({ code: 'illegal_transition' });
  });

  it('gives no places in the August freeze', async () => {
    const { groupId } = await setup(1, 1, new Date('2026-07-01T05:00:00Z'));
    await expect(offerNextInQueue(database.db, { groupId, actor: staff, policy, now: new Date('2026-08-10T05:00:00Z') })).rejects.toMatchObject({
      code: 'freeze',
    });
  });

  it('offers seats one by one in the merged 1:3 order, beneficiaries included', async () => {
    const now = new Date('2026-11-23T05:00:00Z');
    const { groupId, ids } = await setup(12, 8, now);
    for (const id of [ids[5]!, ids[9]!, ids[11]!]) {
      await database.db.update(applications).set({ priorityCategory: 'large_family', priorityProof: 'pending' }).where(eq(applications.id, id));
      await grantPriority(database.db, id, policy, now);
    }
    const [app] = await database.db.select().from(applications).where(eq(applications.id, ids[0]!));
    const expected = (await referenceOrder(database.db, app!.queueId)).slice(0, 8);
    const given: number[] = [];
    for (let i = 0; i < 8; i++) given.push((await offerNextInQueue(database.db, { groupId, actor: staff, policy, now })).referrals[0]!.applicationId);
    expect(given).toEqual(expected);
    expect(given.slice(0, 4)).toContain(ids[5]); // the beneficiary does not wait for all general children
  });
});

describe('allocation rounds', () => {
  it('previews who gets what, then commits exactly that, dropping what changed in between', async () => {
    const now = new Date('2026-11-23T05:00:00Z');
    const { places, groupId, ids } = await setup(6, 2, now);
    // The second kindergarten's group for the same year and language has one free seat.
    const [second] = await database.db
      .select()
      .from(groups)
      .where(and(eq(groups.kindergartenId, places.kindergartenIds[1]!), eq(groups.birthYear, year), eq(groups.language, 'kk')));
    await database.db.update(groups).set({ capacity: 20, enrolled: 19 }).where(eq(groups.id, second!.id));
    // Other groups of the district get no free seats in this test.
    await database.db
      .update(groups)
      .set({ capacity: 20, enrolled: 20 })
      .where(and(inArray(groups.kindergartenId, places.kindergartenIds), inArray(groups.id, (await groupSeats(database.db, { districtId: places.districtId })).map((g) => g.groupId).filter((id) => id !== groupId && id !== second!.id))));

    const { roundId, plan } = await previewRound(database.db, { districtId: places.districtId, actor: staff, policy, now });
    expect(plan.seats).toBe(3);
    expect(plan.offers.map((o) => [o.applicationIds[0], o.groupId, o.choice])).toEqual([
      [ids[0], groupId, 1],
      [ids[1], groupId, 1],
      [ids[2], second!.id, 2],
    ]);
    // Nothing changed yet: the preview gives no places.
    expect((await statusOf(ids[0]!)).status).toBe('registered');

    await changeStatus(database.db, { applicationId: ids[1]!, event: 'withdraw', actor: parent, policy, now });
    const committed = await commitRound(database.db, { roundId, actor: staff, policy, now });
    expect(committed.referrals.map((r) => r.applicationId)).toEqual([ids[0], ids[2]]);
    expect(committed.dropped).toEqual([{ applicationIds: [ids[1]], reason: 'changed_since_preview' }]);
    expect(committed.referrals.every((r) => r.roundId === roundId)).toBe(true);
    await expect(commitRound(database.db, { roundId, actor: staff, policy, now })).rejects.toMatchObject({ code: 'round_not_open' });
    const pending = await database.db.select().from(jobs).where(inArray(jobs.dedupeKey, committed.referrals.map((r) => `referral:${r.id}:expire`)));
    expect(pending).toHaveLength(2);
  });
});

describe('a round read page by page', () => {
  it('gives the same places as serial dictatorship over the whole merged order (stop list, beneficiaries, random choices)', async () => {
    const now = new Date('2026-11-23T05:00:00Z');
    const places = await createPlaces(database.db, { kindergartens: 4 });
    await database.db.update(groups).set({ capacity: 20, enrolled: 20 }).where(inArray(groups.kindergartenId, places.kindergartenIds));
    const open = await database.db
      .select()
      .from(groups)
      .where(and(inArray(groups.kindergartenId, places.kindergartenIds.slice(0, 3)), eq(groups.birthYear, year), eq(groups.language, 'kk')));
    for (const [i, g] of open.entries()) await database.db.update(groups).set({ enrolled: 20 - (i + 2) }).where(eq(groups.id, g.id));
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      const at = new Date(now.getTime() - (100 - i) * 86_400_000 - Math.floor(random() * 50) * 3_600_000);
      const choices = [...places.kindergartenIds].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 3));
      const category = random() < 0.2 ? 'large_family' : 'none';
      const { application } = await submitApplication(
        database.db,
        applicationInput(places, { childYear: year, at, kindergartenIds: choices, priorityCategory: category }),
        parent,
        policy,
        at,
      );
      if (category !== 'none') await grantPriority(database.db, application.id, policy, now);
      ids.push(application.id);
    }
    await database.db.update(applications).set({ stopUntil: new Date(now.getTime() + 86_400_000) }).where(inArray(applications.id, [ids[3]!, ids[17]!]));

    const paged = await planRound(database.db, places.districtId, policy, now, 7);
    const whole = await planRound(database.db, places.districtId, policy, now, 1000);
    expect(paged.offers).toEqual(whole.offers);

    // Reference: every waiting child read at once, merged order, then children take seats in turn.
    const rows = await database.db.select().from(applications).where(and(eq(applications.districtId, places.districtId), eq(applications.status, 'registered')));
    const [queue] = await database.db.select().from(queues).where(eq(queues.id, rows[0]!.queueId));
    const eligible = rows.filter((r) => !r.stopUntil || r.stopUntil <= now);
    const order = mergedOrder(
      eligible.map((r) => ({ applicationId: r.id, list: r.queueCategory as 0 | 1 | 2, registeredAt: r.registeredAt, kindergartenIds: r.kindergartenIds })),
      queue!.phase,
      policy.generalPerBeneficiary,
    );
    const left = new Map(open.map((g, i) => [g.kindergartenId, { groupId: g.id, free: i + 2 }]));
    const expected: [number, number][] = [];
    for (const child of order) {
      const pick = child.kindergartenIds.map((k) => left.get(k)).find((g) => g && g.free > 0);
      if (!pick) continue;
      pick.free--;
      expected.push([child.applicationId, pick.groupId]);
    }
    expect(paged.offers.map((o) => [o.applicationIds[0], o.groupId]).sort((a, b) => a[0]! - b[0]!)).toEqual(expected.sort((a, b) => a[0] - b[0]));
    expect(paged.offers.length).toBe(2 + 3 + 4);
    expect(paged.skipped.filter((s) => s.reason === 'stop_list').map((s) => s.applicationId).sort()).toEqual([ids[3], ids[17]].sort());
  });
});
