/** A result still missing after its deadline counts as late: leaving it out would flatter the share when staff fall behind. */
import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client.ts';

export interface DeadlineCount {
  /** Applications with a result, plus those overdue without one. */
  total: number;
  within: number;
  /** Counted in total: no result yet, and the deadline has passed. */
  overdue: number;
}

export async function resultsWithinDeadline(
  db: Queryable,
  opts: { districtIds: number[] | null; since: Date; now: Date; minutes: number },
): Promise<DeadlineCount> {
  const deadline = sql`make_interval(mins => ${opts.minutes})`;
  const ids = opts.districtIds;
  const inDistricts =
    ids === null ? sql`true` : ids.length ? sql`a.district_id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})` : sql`false`;
  const [row] = await rowsOf<DeadlineCount>(
    db,
    sql`with steps as (
          select l.entity_id,
                 min(l.at) filter (where l.action = 'application.submit') as submitted,
                 min(l.at) filter (where l.action in ('application.register', 'application.refuse')) as result,
                 min(l.at) filter (where l.action = 'application.withdraw') as withdrawn
          from audit_log l
          where l.at >= ${opts.since.toISOString()}::timestamptz and l.entity = 'application'
            and l.action in ('application.submit', 'application.register', 'application.refuse', 'application.withdraw')
          group by l.entity_id),
        timed as (
          select s.result - s.submitted <= ${deadline} as in_time,
                 s.result is null and coalesce(s.withdrawn, ${opts.now.toISOString()}::timestamptz) - s.submitted > ${deadline} as overdue
          from steps s join applications a on a.id = s.entity_id
          where s.submitted is not null and ${inDistricts})
        select count(*) filter (where in_time is not null or overdue)::int as total,
               count(*) filter (where in_time)::int as within,
               count(*) filter (where overdue)::int as overdue
        from timed`,
  );
  return row ?? { total: 0, within: 0, overdue: 0 };
}
