import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client.ts';
import type { Policy } from './policy.ts';
import { getPosition } from './position.ts';

/**
 * An honest expected wait: from how many places the child's queue got in each of the past 12
 * months, a range between the pace of a slow month and of a busy one (the 25th and 75th
 * percentiles), or "not enough data" when the queue had too few places to say.
 */
export type ExpectedWait =
  | { kind: 'range'; fromMonths: number; toMonths: number; placesLastYear: number }
  | { kind: 'insufficient'; placesLastYear: number };

/** Fewer places than this in a year, or fewer busy months, and a range would be a guess. */
export const MIN_PLACES = 6;
export const MIN_MONTHS_WITH_PLACES = 3;

export function estimateWait(position: number, monthlyPlaces: number[]): ExpectedWait {
  const total = monthlyPlaces.reduce((s, n) => s + n, 0);
  const busyMonths = monthlyPlaces.filter((n) => n > 0).length;
  if (total < MIN_PLACES || busyMonths < MIN_MONTHS_WITH_PLACES) return { kind: 'insufficient', placesLastYear: total };
  const sorted = [...monthlyPlaces].sort((a, b) => a - b);
  const quantile = (q: number) => {
    const i = (sorted.length - 1) * q;
    const lo = Math.floor(i);
    return sorted[lo]! + (sorted[Math.ceil(i)]! - sorted[lo]!) * (i - lo);
  };
  const slow = quantile(0.25);
  const busy = quantile(0.75);
  if (slow <= 0) return { kind: 'insufficient', placesLastYear: total };
  return {
    kind: 'range',
    fromMonths: Math.max(1, Math.ceil(position / busy)),
    toMonths: Math.max(1, Math.ceil(position / slow)),
    placesLastYear: total,
  };
}

/** Null when the application is not waiting. */
export async function expectedWait(
  db: Queryable,
  applicationId: number,
  policy: Policy,
  now: Date = new Date(),
): Promise<ExpectedWait | null> {
  const position = await getPosition(db, applicationId, policy);
  if (!position) return null;
  return expectedWaitInQueue(db, { queueId: position.queueId }, position.position, now);
}

/** The wait at `position` in a queue given by id or by district × birth year × language. */
export async function expectedWaitInQueue(
  db: Queryable,
  queue: { queueId: number } | { districtId: number; birthYear: number; language: 'kk' | 'ru' },
  position: number,
  now: Date = new Date(),
): Promise<ExpectedWait> {
  const since = new Date(now.getTime() - 365 * 86_400_000);
  const inQueue =
    'queueId' in queue
      ? sql`a.queue_id = ${queue.queueId}`
      : sql`a.queue_id = (select id from queues where district_id = ${queue.districtId}
                          and birth_year = ${queue.birthYear} and language = ${queue.language})`;
  const rows = await rowsOf<{ month: number; n: number }>(
    db,
    sql`select floor(extract(epoch from (${now.toISOString()}::timestamptz - r.offered_at)) / (86400 * 30.4375))::int as month,
               count(*)::int as n
        from referrals r join applications a on a.id = r.application_id
        where ${inQueue} and r.offered_at > ${since.toISOString()}::timestamptz
          and r.offered_at <= ${now.toISOString()}::timestamptz
        group by 1`,
  );
  const months = Array.from({ length: 12 }, (_, i) => rows.find((r) => r.month === i)?.n ?? 0);
  return estimateWait(position, months);
}
