import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../../db/client.ts';
import { applications, groups, jobs, referrals } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { RuleError } from '../../core/errors.ts';
import { runDueJobs } from '../../core/jobs.ts';
import { offerNextInQueue, placementJobs } from '../../core/placement.ts';
import { groupSeats } from '../../core/seats.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { referralJobs } from '../../core/referrals.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces } from '../support/factories.ts';

/** One freed seat, a lapse job and staff's "offer next" at once: real sessions, the PostgreSQL server only. */
const staff = { type: 'staff', id: 3 } as const;
const policy = defaultPolicy;
const handlers = { ...referralJobs(() => policy), ...placementJobs(() => policy) };
const year = new Date().getUTCFullYear() - 2;
let database: Database;

beforeAll(async () => {
  database = await openTestDatabase({ poolSize: 12 });
});
afterAll(async () => {
  await database.close();
});

/** A group with one seat, offered to the first of `children` waiting; returns the moment its offer lapses. */
async function oneSeatOffered(children: number) {
  const places = await createPlaces(database.db);
  const [group] = await database.db
    .select()
    .from(groups)
    .where(and(eq(groups.kindergartenId, places.kindergartenIds[0]!), eq(groups.birthYear, year), eq(groups.language, 'kk')));
  await database.db.update(groups).set({ capacity: 20, enrolled: 19 }).where(eq(groups.id, group!.id));
  const at = new Date(Date.now() - 86_400_000);
  for (let i = 0; i < children; i++) {
    const when = new Date(at.getTime() + i * 1000);
    await submitApplication(database.db, applicationInput(places, { childYear: year, at: when, kindergartenIds: [places.kindergartenIds[0]!] }), { type: 'parent', id: null }, policy, when);
  }
  const offer = (await offerNextInQueue(database.db, { groupId: group!.id, actor: staff, policy })).referrals[0]!;
  return { districtId: places.districtId, groupId: group!.id, offer, lapseAt: new Date(offer.confirmBy.getTime() + 60_000) };
}

const worker = (referralId: number, now: Date) => runDueJobs(database.db, handlers, { now: () => now, scope: { referralIds: [referralId] } });
const staffOffer = (groupId: number, now: Date) => offerNextInQueue(database.db, { groupId, actor: staff, policy, now });

async function expectExactlyOneLiveOffer(districtId: number, groupId: number, referralId: number, staffResults: PromiseSettledResult<unknown>[]) {
  const live = await rowsOf<{ application_id: number; group_id: number }>(
    database.db,
    sql`select r.application_id, r.group_id from referrals r join applications a on a.id = r.application_id
        where a.district_id = ${districtId} and r.status in ('offered', 'issued')`,
  );
  expect(live).toHaveLength(1);
  expect(live[0]!.group_id).toBe(groupId);
  expect((await groupSeats(database.db, { groupIds: [groupId] }))[0]!.free).toBe(0);
  const offered = await database.db.select().from(applications).where(and(eq(applications.districtId, districtId), eq(applications.status, 'offered')));
  expect(offered.map((a) => a.id)).toEqual([live[0]!.application_id]);
  for (const r of staffResults) {
    if (r.status === 'fulfilled') continue;
    expect(r.reason).toBeInstanceOf(RuleError);
    expect((r.reason as RuleError).code).toBe('no_free_seats');
  }
  // Neither the lapse nor the freed seat's job failed (a deadlock would show here).
  const ran = await database.db
    .select()
    .from(jobs)
    .where(and(inArray(jobs.dedupeKey, [`referral:${referralId}:expire`, `referral:${referralId}:seat`])));
  expect(ran.map((j) => [j.dedupeKey, j.status, j.lastError]).sort()).toEqual(
    [
      [`referral:${referralId}:expire`, 'done', null],
      [`referral:${referralId}:seat`, 'done', null],
    ].sort(),
  );
}

describe('a freed seat and staff "offer next" at once', () => {
  it('staff click first, while the offer has not lapsed yet: the seat still reaches the next child once it does', async () => {
    const { districtId, groupId, offer, lapseAt } = await oneSeatOffered(6);
    const staffResults = await Promise.allSettled([staffOffer(groupId, lapseAt)]);
    expect(staffResults[0]!.status).toBe('rejected');
    await worker(offer.id, lapseAt);
    await expectExactlyOneLiveOffer(districtId, groupId, offer.id, staffResults);
  });

  it('two workers and three staff clicks on the one freed seat, eight times: exactly one live offer each time', async () => {
    for (let trial = 0; trial < 8; trial++) {
      const { districtId, groupId, offer, lapseAt } = await oneSeatOffered(6);
      const results = await Promise.allSettled([
        worker(offer.id, lapseAt),
        staffOffer(groupId, lapseAt),
        worker(offer.id, lapseAt),
        staffOffer(groupId, lapseAt),
        staffOffer(groupId, lapseAt),
      ]);
      for (const w of [results[0]!, results[2]!]) expect(w.status).toBe('fulfilled');
      await expectExactlyOneLiveOffer(districtId, groupId, offer.id, [results[1]!, results[3]!, results[4]!]);
    }
  });

  it('staff take the freed seat before its job runs: the job offers nothing more', async () => {
    const { districtId, groupId, offer, lapseAt } = await oneSeatOffered(6);
    // The lapse alone (one job at a time until it ran), then staff, then the rest of the worker's run.
    const status = async () => (await database.db.select().from(referrals).where(eq(referrals.id, offer.id)))[0]!.status;
    while ((await status()) === 'offered') {
      expect(await runDueJobs(database.db, handlers, { now: () => lapseAt, scope: { referralIds: [offer.id] }, limit: 1 })).toBe(1);
    }
    expect(await status()).toBe('lapsed');
    const staffResults = await Promise.allSettled([staffOffer(groupId, lapseAt)]);
    expect(staffResults[0]!.status).toBe('fulfilled');
    await worker(offer.id, lapseAt);
    await expectExactlyOneLiveOffer(districtId, groupId, offer.id, staffResults);
  });
});
