import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../../db/client.ts';
import { applications, groups, referrals } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { RuleError } from '../../core/errors.ts';
import { offerNextInQueue } from '../../core/placement.ts';
import { commitRound, previewRound } from '../../core/rounds.ts';
import { groupSeats } from '../../core/seats.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces } from '../support/factories.ts';

/** Race-freedom needs real concurrent sessions: the PostgreSQL server only. */
const staff = { type: 'staff', id: 3 } as const;
const policy = defaultPolicy;
const year = new Date().getUTCFullYear() - 2;
let database: Database;

beforeAll(async () => {
  database = await openTestDatabase({ poolSize: 30 });
});
afterAll(async () => {
  await database.close();
});

async function district(children: number) {
  const places = await createPlaces(database.db);
  const gs = await database.db
    .select()
    .from(groups)
    .where(and(inArray(groups.kindergartenId, places.kindergartenIds), eq(groups.birthYear, year), eq(groups.language, 'kk')));
  // Two groups with 5 free seats each; every other group of the district is full.
  await database.db.update(groups).set({ capacity: 20, enrolled: 20 }).where(inArray(groups.kindergartenId, places.kindergartenIds));
  const open = gs.slice(0, 2).map((g) => g.id);
  await database.db.update(groups).set({ enrolled: 15 }).where(inArray(groups.id, open));
  const at = new Date(Date.now() - 86_400_000);
  await Promise.all(
    Array.from({ length: children }, (_, i) =>
      submitApplication(
        database.db,
        applicationInput(places, { childYear: year, at: new Date(at.getTime() + i * 1000), kindergartenIds: places.kindergartenIds.slice(0, 2) }),
        { type: 'parent', id: null },
        policy,
        new Date(at.getTime() + i * 1000),
      ),
    ),
  );
  return { places, open };
}

async function liveOffersPerChild(districtId: number) {
  return rowsOf<{ application_id: number; n: number }>(
    database.db,
    sql`select r.application_id, count(*)::int as n from referrals r join applications a on a.id = r.application_id
        where a.district_id = ${districtId} and r.status in ('offered', 'issued') group by 1`,
  );
}

describe('placing children concurrently', () => {
  it('50 concurrent "next in queue" actions on 10 seats make exactly 10 offers, none twice to a child', async () => {
    const { places, open } = await district(40);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => offerNextInQueue(database.db, { groupId: open[i % 2]!, actor: staff, policy })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(10);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(RuleError);
      expect((f.reason as RuleError).code).toBe('no_free_seats');
    }
    const live = await liveOffersPerChild(places.districtId);
    expect(live).toHaveLength(10);
    expect(live.every((r) => r.n === 1)).toBe(true);
    for (const s of await groupSeats(database.db, { groupIds: open })) expect(s.free).toBe(0);
    const offered = await database.db.select().from(applications).where(and(eq(applications.districtId, places.districtId), eq(applications.status, 'offered')));
    expect(offered).toHaveLength(10);
  });

  it('a round committed while staff click "next in queue" still never oversells or doubles an offer', async () => {
    const { places, open } = await district(30);
    const { roundId } = await previewRound(database.db, { districtId: places.districtId, actor: staff, policy });
    const results = await Promise.allSettled([
      commitRound(database.db, { roundId, actor: staff, policy }),
      ...Array.from({ length: 20 }, (_, i) => offerNextInQueue(database.db, { groupId: open[i % 2]!, actor: staff, policy })),
    ]);
    expect(results[0]!.status).toBe('fulfilled');
    const live = await liveOffersPerChild(places.districtId);
    expect(live.reduce((s, r) => s + r.n, 0)).toBe(10);
    expect(live.every((r) => r.n === 1)).toBe(true);
    const perGroup = await database.db.select({ groupId: referrals.groupId }).from(referrals).where(inArray(referrals.groupId, open));
    expect(perGroup.filter((r) => r.groupId === open[0]).length).toBeLessThanOrEqual(5);
    expect(perGroup.filter((r) => r.groupId === open[1]).length).toBeLessThanOrEqual(5);
  });
});
