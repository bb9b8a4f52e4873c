import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { rowsOf } from '../../db/client.ts';
import { referrals } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { expectedWaitInQueue, placesLastYear } from '../../core/expected-wait.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces } from '../support/factories.ts';

const year = new Date().getUTCFullYear() - 3;
let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

/** Referrals issued per queue and Almaty month, counted from scratch: what queue_places must hold. */
async function recount(queueId: number): Promise<Map<string, number>> {
  const rows = await rowsOf<{ month: string; n: number }>(
    database.db,
    sql`select to_char(date_trunc('month', r.issued_at at time zone 'Asia/Almaty'), 'YYYY-MM-DD') as month, count(*)::int as n
        from referrals r join applications a on a.id = r.application_id
        where a.queue_id = ${queueId} and r.issued_at is not null group by 1`,
  );
  return new Map(rows.map((r) => [r.month, r.n]));
}

async function kept(queueId: number): Promise<Map<string, number>> {
  const rows = await rowsOf<{ month: string; n: number }>(
    database.db,
    sql`select to_char(month, 'YYYY-MM-DD') as month, places as n from queue_places where queue_id = ${queueId} and places <> 0`,
  );
  return new Map(rows.map((r) => [r.month, r.n]));
}

describe('referrals issued per queue and month (queue_places)', () => {
  it('stays equal to a recount through inserts, issues, re-dates and deletes, in Almaty months', async () => {
    const places = await createPlaces(database.db);
    const { application } = await submitApplication(database.db, applicationInput(places, { childYear: year }), { type: 'parent', id: null }, defaultPolicy);
    const queueId = application.queueId;
    // 31 March 20:00 UTC is already 1 April in Almaty (UTC+5): an April place.
    const base = { applicationId: application.id, groupId: places.groupIds[0]!, status: 'enrolled' as const, confirmBy: new Date() };
    const inserted = await database.db
      .insert(referrals)
      .values([
        { ...base, offeredAt: new Date('2026-03-31T20:00:00Z'), issuedAt: new Date('2026-03-31T20:00:00Z') },
        { ...base, offeredAt: new Date('2026-03-31T18:00:00Z'), issuedAt: new Date('2026-03-31T18:00:00Z') },
        { ...base, offeredAt: new Date('2026-05-10T06:00:00Z'), issuedAt: null, status: 'declined' as const },
        { ...base, offeredAt: new Date('2026-05-10T06:00:00Z'), issuedAt: new Date('2026-05-11T06:00:00Z') },
      ])
      .returning({ id: referrals.id });
    expect(await kept(queueId)).toEqual(new Map([['2026-04-01', 1], ['2026-03-01', 1], ['2026-05-01', 1]]));

    const ids = inserted.map((r) => r.id);
    await database.db.execute(sql`update referrals set issued_at = '2026-05-12T06:00:00Z' where id = ${ids[2]}`);
    await database.db.execute(sql`update referrals set issued_at = '2026-06-01T06:00:00Z' where id = ${ids[0]}`);
    await database.db.execute(sql`update referrals set status = 'lapsed' where id = ${ids[1]}`);
    await database.db.execute(sql`delete from referrals where id = ${ids[3]}`);
    expect(await kept(queueId)).toEqual(await recount(queueId));
    expect(await kept(queueId)).toEqual(new Map([['2026-03-01', 1], ['2026-05-01', 1], ['2026-06-01', 1]]));
  });

  it('gives the twelve whole months before now and an honest range from them', async () => {
    const places = await createPlaces(database.db);
    const { application } = await submitApplication(database.db, applicationInput(places, { childYear: year }), { type: 'parent', id: null }, defaultPolicy);
    const base = { applicationId: application.id, groupId: places.groupIds[0]!, status: 'enrolled' as const, confirmBy: new Date() };
    // 2025-11 … 2026-10: month k (0 = oldest) gets k % 3 + 1 referrals; November 2026 (running) gets 9.
    const rows = [];
    for (let k = 0; k < 12; k++) {
      for (let j = 0; j <= k % 3; j++) rows.push({ ...base, offeredAt: new Date(Date.UTC(2025, 10 + k, 10)), issuedAt: new Date(Date.UTC(2025, 10 + k, 10)) });
    }
    for (let j = 0; j < 9; j++) rows.push({ ...base, offeredAt: new Date('2026-11-05T06:00:00Z'), issuedAt: new Date('2026-11-05T06:00:00Z') });
    // And one older than a year, outside the window.
    rows.push({ ...base, offeredAt: new Date('2025-10-31T06:00:00Z'), issuedAt: new Date('2025-10-31T06:00:00Z') });
    await database.db.insert(referrals).values(rows);

    const now = new Date('2026-11-23T09:00:00Z');
    const months = await placesLastYear(database.db, application.queueId, now);
    expect([...months].sort()).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    // 24 a year; a slow month 1, a busy one 3 (25th/75th percentiles): at place 6, 2–6 months.
    expect(await expectedWaitInQueue(database.db, application.queueId, 6, now)).toEqual({
      kind: 'range',
      fromMonths: 2,
      toMonths: 6,
      placesLastYear: 24,
    });
    // On the first of a month (Almaty) the month just ended counts and the oldest drops out.
    const nextMonth = await placesLastYear(database.db, application.queueId, new Date('2026-11-30T19:30:00Z'));
    expect(nextMonth.reduce((s, n) => s + n, 0)).toBe(24 - 1 + 9);
    // A queue with no referrals: twelve zeros, "not enough data".
    expect(await placesLastYear(database.db, 2_000_000_000, now)).toEqual(Array(12).fill(0));
    expect(await expectedWaitInQueue(database.db, 2_000_000_000, 1, now)).toEqual({ kind: 'insufficient', placesLastYear: 0 });
  });
});
