import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client.ts';

/** A range between a slow and a busy month's pace (25th and 75th percentiles) of the past 12 months. */
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

/** The one definition of the window (Almaty months), also used inside core/parent-view.ts's list query. */
export const placesLastYearSql = (queueId: SQL | AnyColumn, at: SQL = sql`now()`): SQL => sql`(
  select to_json(array_agg(p.places)) from queue_places p
   where p.queue_id = ${queueId} and p.month >= places_month(${at}) - interval '12 months' and p.month < places_month(${at}))`;

export function monthsOf(value: number[] | string | null | undefined): number[] {
  const months = (typeof value === 'string' ? (JSON.parse(value) as number[] | null) : value) ?? [];
  return months.length >= 12 ? months : [...months, ...Array<number>(12 - months.length).fill(0)];
}

export async function placesLastYear(db: Queryable, queueId: number, now: Date = new Date()): Promise<number[]> {
  const [row] = await rowsOf<{ months: number[] | string | null }>(
    db,
    sql`select ${placesLastYearSql(sql`${queueId}::int`, sql`${now.toISOString()}::timestamptz`)} as months`,
  );
  return monthsOf(row?.months);
}

export async function expectedWaitInQueue(db: Queryable, queueId: number, position: number, now: Date = new Date()): Promise<ExpectedWait> {
  return estimateWait(position, await placesLastYear(db, queueId, now));
}
