/** Queue sizes come from queue_counts (exact, small). District staff see their districts only. */
import { sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { rowsOf } from '../../db/client.ts';
import { addDays, localDate, startOfLocalDay } from '../../core/calendar.ts';
import { QUALITY_INDICATORS } from '../../core/feedback.ts';
import { resultsWithinDeadline } from '../../core/result-deadline.ts';
import { districtScope } from '../../core/permissions.ts';
import { idParam, need, type ApiDeps, type ApiEnv } from './context.ts';
import type { Language } from '../../locales/languages.ts';

const querySchema = z.object({ districtId: idParam.optional() });

const CHART_DAYS = 14;
const YEAR_DAYS = 365;

export function dashboardRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  return new Hono<ApiEnv>().get('/', need('dashboard.read'), async (c) => {
    const query = querySchema.safeParse(c.req.query());
    if (!query.success) return c.json({ error: 'validation', fields: [{ field: 'districtId', code: 'invalid' }] }, 400);
    const scope = districtScope(c.get('session').user, 'dashboard.read');
    const wanted = query.data.districtId;
    if (wanted !== undefined && scope !== 'all' && !scope.includes(wanted)) return c.json({ error: 'forbidden' }, 403);
    const ids = wanted !== undefined ? [wanted] : scope === 'all' ? null : scope;
    const inDistricts = (column: SQL): SQL =>
      ids === null ? sql`true` : ids.length ? sql`${column} in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})` : sql`false`;

    const now = new Date();
    const today = startOfLocalDay(localDate(now));
    const chartFrom = startOfLocalDay(addDays(localDate(now), -(CHART_DAYS - 1)));
    const yearAgo = new Date(now.getTime() - YEAR_DAYS * 86_400_000);
    const allStatuses = sql`array['submitted','registered','offered','referred','enrolled','refused','withdrawn','lapsed']::application_status[]`;

    const [queues, today_, awaiting, secondApproval, deadline, quality, perDay] = await Promise.all([
      rowsOf<{ district_id: number; birth_year: number; language: Language; category: number; n: number }>(
        db,
        sql`select q.district_id, q.birth_year, q.language, qc.category, sum(qc.n)::int as n
            from queue_counts qc join queues q on q.id = qc.queue_id
            where qc.level = 0 and qc.n > 0 and ${inDistricts(sql`q.district_id`)}
            group by 1, 2, 3, 4`,
      ),
      rowsOf<{ n: number }>(
        db,
        sql`select count(*)::int as n from applications a
            where a.status = any(${allStatuses}) and a.created_at >= ${today.toISOString()}::timestamptz
              and ${inDistricts(sql`a.district_id`)}`,
      ),
      rowsOf<{ submitted: number; priority: number; documents: number }>(
        db,
        sql`select
              (select count(*)::int from applications a where a.status = 'submitted' and ${inDistricts(sql`a.district_id`)}) as submitted,
              (select count(*)::int from applications a where a.status in ('submitted', 'registered')
                 and a.priority_proof = 'pending' and ${inDistricts(sql`a.district_id`)}) as priority,
              (select count(*)::int from documents d join applications a on a.id = d.application_id
                 where d.verification = 'pending' and ${inDistricts(sql`a.district_id`)}) as documents`,
      ),
      // Priority claims one staff member approved, waiting for another (core/priority.ts four eyes).
      rowsOf<{ n: number; oldest: string | null }>(
        db,
        sql`select count(*)::int as n, min(a.priority_first_approved_at) as oldest from applications a
            where a.priority_first_approver_id is not null and a.priority_second_approver_id is null
              and ${inDistricts(sql`a.district_id`)}`,
      ),
      resultsWithinDeadline(db, { districtIds: ids, since: yearAgo, now, minutes: deps.policy.resultDeadlineMinutes }),
      rowsOf<Record<string, number>>(
        db,
        sql`select count(*)::int as responses, ${sql.join(
          QUALITY_INDICATORS.map(
            (k) => sql`count(${sql.identifier(snake(k))})::int as ${sql.identifier(`${k}_n`)},
                       count(*) filter (where ${sql.identifier(snake(k))} >= 4)::int as ${sql.identifier(`${k}_good`)}`,
          ),
          sql`, `,
        )}
            from feedback f left join applications a on a.id = f.application_id
            where f.created_at >= ${yearAgo.toISOString()}::timestamptz
              and ${ids === null ? sql`true` : sql`(${inDistricts(sql`a.district_id`)})`}`,
      ),
      rowsOf<{ day: string; channel: string; n: number }>(
        db,
        sql`select to_char(a.created_at at time zone 'Asia/Almaty', 'YYYY-MM-DD') as day, a.channel, count(*)::int as n
            from applications a
            where a.status = any(${allStatuses}) and a.created_at >= ${chartFrom.toISOString()}::timestamptz
              and ${inDistricts(sql`a.district_id`)}
            group by 1, 2 order by 1`,
      ),
    ]);

    const sum = <K extends string | number>(key: (r: (typeof queues)[number]) => K) => {
      const out = new Map<K, number>();
      for (const r of queues) out.set(key(r), (out.get(key(r)) ?? 0) + r.n);
      return [...out].map(([k, n]) => ({ key: k, n })).sort((x, y) => (x.key < y.key ? -1 : 1));
    };
    const q = quality[0] ?? {};
    const d = deadline;
    return c.json({
      districtIds: ids,
      queue: {
        total: queues.reduce((s, r) => s + r.n, 0),
        byDistrict: sum((r) => r.district_id),
        byBirthYear: sum((r) => r.birth_year),
        byLanguage: sum((r) => r.language),
        byList: sum((r) => r.category),
      },
      applicationsToday: today_[0]?.n ?? 0,
      awaitingVerification: awaiting[0] ?? { submitted: 0, priority: 0, documents: 0 },
      secondApproval: {
        waiting: secondApproval[0]?.n ?? 0,
        oldestAt: secondApproval[0]?.oldest ? new Date(secondApproval[0].oldest).toISOString() : null,
      },
      deadline: {
        minutes: deps.policy.resultDeadlineMinutes,
        results: d.total,
        within: d.within,
        overdue: d.overdue,
        share: d.total ? d.within / d.total : null,
      },
      quality: {
        responses: q.responses ?? 0,
        indicators: QUALITY_INDICATORS.map((k) => {
          const n = q[`${k}_n`] ?? 0;
          const good = q[`${k}_good`] ?? 0;
          return { key: k, responses: n, share: n ? good / n : null };
        }),
      },
      perDay: perDay,
    });
  });
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
}
