/**
 * GET /api/applications: the list staff work from (filters, one search box, queue order). The
 * list's spec is shared with the export, which writes the same rows as CSV.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { rowsOf } from '../../../db/client.ts';
import { applicants, applications, children, queueCounts, queues } from '../../../db/schema/index.ts';
import { ValidationError } from '../../../core/errors.ts';
import { applicationsMatching, classifyQuery } from '../../../core/lookup.ts';
import { iinFor } from '../../../core/permissions.ts';
import { inScope, need, scopeWhere, type ApiContext, type ApiDeps, type ApiEnv } from '../context.ts';
import { dateFrom, dateTo, int, intOf, likePattern, listParams, oneOrMany, pageOf, prepared, readListQuery, sendList, type ListQuery, type ListSpec } from '../simple-rest.ts';

const a = applications;
const statusSchema = z.enum(a.status.enumValues);

/** The shortest part of a name the search box looks for (one trigram). */
export const MIN_NAME_SEARCH = 3;

/** The search box: an IIN (child, applicant or representative), an application number, or a name. */
function search(value: unknown): SQL | undefined {
  const text = z.string().max(200).safeParse(value);
  if (!text.success) throw new ValidationError([{ field: 'filter.q', code: 'invalid' }]);
  const q = text.data.trim();
  if (!q) return undefined;
  const query = classifyQuery(q);
  if (query) return applicationsMatching(query);
  // A part of a child's or applicant's name, in any case, found by the trigram indexes of
  // migration 0008: shorter than a trigram would read the whole index. A set of application ids
  // (as for IINs), so each name list is joined through its index rather than tested row by row.
  const name = q.replace(/\s+/g, ' ');
  if ([...name].length < MIN_NAME_SEARCH) {
    throw new ValidationError([{ field: 'filter.q', code: 'search_too_short', params: { count: MIN_NAME_SEARCH } }]);
  }
  const pattern = likePattern(name);
  return sql`${a.id} in (
    select x.id from applications x join children c on c.id = x.child_id where c.full_name ilike ${pattern}
    union select x.id from applications x join applicants p on p.id = x.applicant_id where p.full_name ilike ${pattern})`;
}

export const applicationsList: ListSpec = {
  resource: 'applications',
  idColumn: a.id,
  // The queue order within a district: cohort, language, list (E, B, G), then registration time.
  sort: {
    queueOrder: [a.birthYear, a.language, a.queueCategory, a.registeredAt, a.id],
    id: [a.id],
    number: [a.number],
    registeredAt: [a.registeredAt, a.id],
    statusChangedAt: [a.statusChangedAt, a.id],
    birthYear: [a.birthYear, a.id],
    status: [a.status, a.id],
  },
  defaultSort: ['queueOrder', 'ASC'],
  filters: {
    q: search,
    status: oneOrMany(a.status, statusSchema),
    districtId: oneOrMany(a.districtId, int),
    birthYear: oneOrMany(a.birthYear, int),
    language: oneOrMany(a.language, z.enum(a.language.enumValues)),
    priorityCategory: oneOrMany(a.priorityCategory, z.enum(a.priorityCategory.enumValues)),
    priorityProof: oneOrMany(a.priorityProof, z.enum(a.priorityProof.enumValues)),
    channel: oneOrMany(a.channel, z.enum(a.channel.enumValues)),
    queueCategory: oneOrMany(a.queueCategory, int),
    registeredFrom: dateFrom(a.registeredAt),
    registeredTo: dateTo(a.registeredAt),
    // Claims one staff member approved and a second has not (core/priority.ts): the panel's list of them.
    awaitingSecondApproval: (value) => {
      const on = z.union([z.boolean(), z.enum(['true', 'false'])]).safeParse(value);
      if (!on.success) throw new ValidationError([{ field: 'filter.awaitingSecondApproval', code: 'invalid' }]);
      const awaiting = sql`(${a.priorityFirstApproverId} is not null and ${a.prioritySecondApproverId} is null)`;
      return on.data === true || on.data === 'true' ? awaiting : sql`not ${awaiting}`;
    },
  },
};

const listColumns = {
  id: a.id,
  number: a.number,
  status: a.status,
  districtId: a.districtId,
  birthYear: a.birthYear,
  language: a.language,
  priorityCategory: a.priorityCategory,
  priorityProof: a.priorityProof,
  queueCategory: a.queueCategory,
  channel: a.channel,
  registeredAt: a.registeredAt,
  statusChangedAt: a.statusChangedAt,
  queueNumber: a.queueNumber,
  priorityFirstApprovedAt: a.priorityFirstApprovedAt,
  childName: children.fullName,
  childIin: children.iin,
  applicantName: applicants.fullName,
};

const QUEUE_COUNT_FILTERS = new Set(['status', 'districtId', 'birthYear', 'language']);

/**
 * The panel's default view and the busiest query: one district's applications of one status
 * (optionally one cohort and language) in queue order, with the total. It runs as the plpgsql
 * function of migration 0007 with a generic plan, so PostgreSQL does not re-plan it per call.
 */
const fastFilterSchema = z.object({
  districtId: intOf(a.districtId),
  status: statusSchema,
  birthYear: intOf(a.birthYear).optional(),
  language: z.enum(a.language.enumValues).optional(),
});
type FastFilter = z.output<typeof fastFilterSchema>;

function fastFilterOf(query: ListQuery): FastFilter | null {
  const [field] = query.sort ?? applicationsList.defaultSort;
  if (field !== 'queueOrder' || Object.keys(query.filter).some((k) => !QUEUE_COUNT_FILTERS.has(k))) return null;
  const parsed = fastFilterSchema.safeParse(query.filter);
  return parsed.success ? parsed.data : null;
}

type PageRow = { id: number | null; total: number } & Record<string, unknown>;

/** Each row's IIN as the user may see it (core/permissions.ts iinFor), as in the export. */
function iinsFor<T extends Record<string, unknown>>(c: ApiContext, rows: T[]): T[] {
  const { user } = c.get('session');
  return rows.map((r) => (typeof r.childIin === 'string' ? { ...r, childIin: iinFor(user, r.childIin) } : r));
}

const PAGE_SQL =
  'select * from panel_applications_page($1, $2::application_status, $3::smallint, $4::language, $5, $6, $7)';

async function applicationsPage(database: ApiDeps['database'], f: FastFilter, desc: boolean, limit: number, offset: number) {
  const params = [f.districtId, f.status, f.birthYear ?? null, f.language ?? null, desc, limit, offset];
  // On the server, a prepared statement through postgres.js itself: nothing to parse per call.
  const rows = database.sql
    ? await database.sql.unsafe<PageRow[]>(PAGE_SQL, params, { prepare: true })
    : await rowsOf<PageRow>(
        database.db,
        sql`select * from panel_applications_page(${params[0]}, ${params[1]}::application_status, ${params[2]}::smallint,
              ${params[3]}::language, ${params[4]}, ${params[5]}, ${params[6]})`,
      );
  const total = rows[0]?.total ?? 0;
  // A page past the end is one row with a null id: it only carries the total.
  if (rows.length === 1 && rows[0]!.id === null) return { total, rows: [] };
  for (const row of rows) delete (row as Partial<PageRow>).total;
  return { total, rows };
}

/**
 * The total for Content-Range outside the fast path. Waiting children (status registered)
 * filtered only by district(s), cohort and language are summed from queue_counts' level-0 rows,
 * which the trigger of migration 0001 keeps exact, instead of counting the whole queue. Any other
 * filter is counted with count(*): those sets are small, or the query is rare (names, dates).
 */
async function countApplications(c: ApiContext, deps: ApiDeps, filter: Record<string, unknown>, where: SQL | undefined) {
  const db = deps.database.db;
  if (Object.keys(filter).every((k) => QUEUE_COUNT_FILTERS.has(k)) && filter.status === 'registered') {
    const on: (SQL | undefined)[] = [
      filter.districtId !== undefined ? oneOrMany(queues.districtId, int)(filter.districtId) : undefined,
      filter.birthYear !== undefined ? oneOrMany(queues.birthYear, int)(filter.birthYear) : undefined,
      filter.language !== undefined ? oneOrMany(queues.language, z.enum(queues.language.enumValues))(filter.language) : undefined,
      scopeWhere(c, 'applications.read', queues.districtId),
    ];
    const [row] = await prepared(
      db
        .select({ n: sql<number>`coalesce(sum(${queueCounts.n}), 0)::int` })
        .from(queueCounts)
        .innerJoin(queues, eq(queues.id, queueCounts.queueId))
        .where(and(eq(queueCounts.level, 0), ...on.filter((x): x is SQL => x !== undefined))),
    );
    return row?.n ?? 0;
  }
  const [row] = await prepared(db.select({ n: sql<number>`count(*)::int` }).from(a).where(where));
  return row?.n ?? 0;
}

/**
 * A search term looks through every status and district of the user's scope: staff search for a
 * child to answer a parent, and a refused or enrolled child hidden by the list's default status
 * ("in the queue") read as "no application". The panel says the search ignored those filters.
 */
export const SEARCH_IGNORES = ['status', 'districtId'] as const;

function searchEverywhere(query: ListQuery): ListQuery {
  const q = query.filter.q;
  if (typeof q !== 'string' || !q.trim()) return query;
  const filter = Object.fromEntries(Object.entries(query.filter).filter(([k]) => !(SEARCH_IGNORES as readonly string[]).includes(k)));
  return { ...query, filter };
}

export function listRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  return new Hono<ApiEnv>()
    .get('/', need('applications.read'), async (c) => {
      const query = searchEverywhere(readListQuery(c));
      const fast = fastFilterOf(query);
      if (fast) {
        const { limit, offset } = pageOf(query);
        if (!inScope(c, 'applications.read', fast.districtId)) return sendList(c, 'applications', [], offset, 0);
        const page = await applicationsPage(deps.database, fast, query.sort?.[1] === 'DESC', limit, offset);
        return sendList(c, 'applications', iinsFor(c, page.rows), offset, page.total);
      }
      const p = listParams(c, applicationsList, scopeWhere(c, 'applications.read', a.districtId), query);
      const [rows, total] = await Promise.all([
        prepared(
          db
            .select(listColumns)
            .from(a)
            .innerJoin(children, eq(children.id, a.childId))
            .innerJoin(applicants, eq(applicants.id, a.applicantId))
            .where(p.where)
            .orderBy(...p.orderBy)
            .limit(p.limit)
            .offset(p.offset),
        ),
        countApplications(c, deps, p.filter, p.where),
      ]);
      return sendList(c, 'applications', iinsFor(c, rows), p.offset, total);
    });
}
