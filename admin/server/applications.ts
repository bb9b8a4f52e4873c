/**
 * /api/applications: the list staff work from (filters, one search box, queue order), one
 * application with everything about it, intake on a parent's behalf, and the actions: verify
 * documents, refuse with a reason, decide a priority claim. Every change goes through core/.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { rowsOf } from '../../db/client.ts';
import { applicants, applications, children, districts, queueCounts, queues } from '../../db/schema/index.ts';
import { applicationInputSchema, findActiveApplicationByChildIin, submitApplication } from '../../core/applications.ts';
import { getApplicationDetail } from '../../core/application-view.ts';
import { audit } from '../../core/audit.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { maskIin, normalizeIin, parseIin } from '../../core/iin.ts';
import { INT_RANGES, isoDay } from '../../core/input.ts';
import { applicationsMatching, classifyQuery } from '../../core/lookup.ts';
import { unreachableOfApplication } from '../../core/unreachable.ts';
import { certificateWarning } from '../../core/certificates.ts';
import { awaitsSecondApproval, decidePriorityClaim } from '../../core/priority.ts';
import { PRIORITY_REJECTION_REASONS } from '../../core/refusals.ts';
import { printNotice } from '../../core/result-documents.ts';
import { can, canInDistrict, iinFor } from '../../core/permissions.ts';
import { canTransition, changeStatus } from '../../core/status.ts';
import { needsVerification, REFUSAL_REASONS, verifyApplication } from '../../core/verification.ts';
import { exportHandler } from './applications-export.ts';
import { actorOf, inScope, need, parseBody, pathId, readJson, scopeWhere, type ApiContext, type ApiDeps, type ApiEnv } from './context.ts';
import { langOf, sendPdf } from './print.ts';
import { dateFrom, dateTo, int, intOf, likePattern, listParams, oneOrMany, pageOf, prepared, readListQuery, sendList, type ListQuery, type ListSpec } from './simple-rest.ts';

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
  // A part of a child's or applicant's name, in any case: the trigram indexes of migration 0008
  // find it, so the pattern needs a whole trigram (3 letters); shorter text would read the whole
  // index. Written as a set of application ids (as for IINs), so each name list is joined through
  // its index on applications instead of testing every application against both lists.
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
 * The panel's default view, and the busiest query of the service: one district's applications
 * of one status (optionally one cohort and language) in queue order, with the total. It runs as
 * the plpgsql function of migration 0007, planned once per connection (generic plan forced),
 * because PostgreSQL otherwise re-plans it on every call: planning cost more than the answer.
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
  // On the server, a prepared statement through postgres.js itself: no query text to parse or
  // plan per call (the function's own statements are planned once per connection).
  const rows = database.sql
    ? await database.sql.unsafe<PageRow[]>(PAGE_SQL, params, { prepare: true })
    : await rowsOf<PageRow>(
        database.db,
        sql`select * from panel_applications_page(${params[0]}, ${params[1]}::application_status, ${params[2]}::smallint,
              ${params[3]}::language, ${params[4]}, ${params[5]}, ${params[6]})`,
      );
  const total = rows[0]?.total ?? 0;
  // A page past the end is one row with a null id: it only carries the total. `total` is the
  // last column, so deleting it is cheap for V8 (no copy of 25 rows per request).
  if (rows.length === 1 && rows[0]!.id === null) return { total, rows: [] };
  for (const row of rows) delete (row as Partial<PageRow>).total;
  return { total, rows };
}

/**
 * The total for Content-Range outside the fast path. Waiting children (status registered)
 * filtered only by district(s), cohort and language are summed from queue_counts' level-0 rows,
 * which the trigger of migration 0001 keeps exact: a few rows instead of counting 100k+ index
 * entries (the whole city's queue for an admin without a district filter). Any other filter is
 * counted with count(*): those sets are small, or the query is rare (names, dates).
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

/** Ids as the columns hold them (serial, int4): a bigger number would reach PostgreSQL as an error. */
const rowId = z.number().int().min(1).max(INT_RANGES.int4.max);
const representativeSchema = applicationInputSchema.shape.representative.unwrap().unwrap();

const intakeSchema = applicationInputSchema.omit({ applicant: true, channel: true }).extend({
  applicant: applicationInputSchema.shape.applicant.omit({ consentAt: true, telegramUserId: true }),
  representative: representativeSchema.extend({ poaDate: isoDay }).nullish(),
  districtId: rowId,
  kindergartenIds: z.array(rowId).min(1),
  channel: z.enum(['office', 'centre']),
  /** The operator confirms the applicant consented to the use of their personal data. */
  consent: z.literal(true),
});

const refuseSchema = z.object({ reason: z.enum(REFUSAL_REASONS), comment: z.string().trim().max(1000).nullish() });
const verifySchema = z.object({ note: z.string().trim().max(1000).nullish() });
const prioritySchema = z.object({
  decision: z.enum(['verified', 'rejected']),
  reason: z.enum(PRIORITY_REJECTION_REASONS).nullish(),
  comment: z.string().trim().max(1000).nullish(),
});

export function applicationsRoutes(deps: ApiDeps) {
  const db = deps.database.db;

  /** The application's district, or 404 when it does not exist or lies outside the user's districts. */
  async function districtOf(c: ApiContext, id: number, permission: Parameters<typeof inScope>[1]): Promise<number> {
    const [row] = await db.select({ districtId: a.districtId }).from(a).where(eq(a.id, id));
    if (!row || !inScope(c, permission, row.districtId)) throw new NotFoundError('application', id);
    return row.districtId;
  }

  /**
   * The answer to an intake for a child who already has an active application. Staff who may read
   * that application see which one it is; anyone else learns only that it exists and which
   * district's department to send the parent to — no id, number or status, so typing IINs at the
   * intake cannot probe children of other districts. Every such answer is audited.
   */
  async function duplicateAnswer(c: ApiContext, app: { id: number; number: string; status: string; districtId: number }, childIin: string) {
    const visible = can(c.get('session').user, 'applications.read') && inScope(c, 'applications.read', app.districtId);
    await audit(db, actorOf(c), {
      action: 'application.duplicate_answer',
      entity: 'application',
      entityId: app.id,
      // The IIN masked as in the look-up's audit rows; the application id says which child.
      data: { childIin: maskIin(normalizeIin(childIin)), answer: visible ? 'shown' : 'elsewhere', districtId: app.districtId },
    });
    if (visible) return { id: app.id, number: app.number, status: app.status, duplicate: true, visible: true };
    const [district] = await db
      .select({ id: districts.id, nameKk: districts.nameKk, nameRu: districts.nameRu })
      .from(districts)
      .where(eq(districts.id, app.districtId));
    return { duplicate: true, visible: false, elsewhere: { district: district ?? null } };
  }

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
    })
    .get('/export', need('applications.read'), exportHandler(deps, applicationsList))
    // The intake asks as soon as the child's IIN is typed: the same answer (and audit row) as a
    // submitted duplicate, before the operator types the rest of the form.
    .get('/duplicate', need('applications.intake'), async (c) => {
      const iin = normalizeIin(c.req.query('childIin') ?? '');
      if (!parseIin(iin).ok) throw new ValidationError([{ field: 'childIin', code: 'iin_format' }]);
      const app = await findActiveApplicationByChildIin(db, iin);
      return c.json(app ? await duplicateAnswer(c, app, iin) : { duplicate: false });
    })
    .get('/:id', need('applications.read'), async (c) => {
      const id = pathId(c);
      await districtOf(c, id, 'applications.read');
      const [d, telegramUnreachable] = await Promise.all([getApplicationDetail(db, id, deps.policy), unreachableOfApplication(db, id)]);
      const user = c.get('session').user;
      const pending = d.documents.filter((doc) => doc.verification === 'pending').length;
      const here = (p: Parameters<typeof canInDistrict>[1]) => canInDistrict(user, p, d.application.districtId);
      const decidePriority =
        here('applications.priority') && d.application.priorityCategory !== 'none' && d.application.priorityProof === 'pending';
      const waiting = awaitsSecondApproval(d.application);
      const firstApproval = waiting ? d.history.findLast((h) => h.action === 'application.priority_first_approval') : undefined;
      const proofSentAt = d.documents.findLast((doc) => doc.kind === 'priority_proof')?.createdAt ?? null;
      return c.json({
        ...d.application,
        child: d.child,
        applicant: d.applicant,
        representative: d.representative,
        district: d.district,
        kindergartens: d.kindergartens,
        documents: d.documents,
        referrals: d.referrals,
        history: d.history,
        position: d.position,
        expectedWait: d.expectedWait,
        ahead: d.ahead,
        // The same IIN given with other contacts or by another Telegram account: staff decide.
        // Applications outside the user's districts are counted, not shown.
        identityClaims: d.identityClaims.map(({ applications: apps, ...claim }) => ({
          ...claim,
          applications: apps.filter((x) => inScope(c, 'applications.read', x.districtId)),
          applicationsElsewhere: apps.filter((x) => !inScope(c, 'applications.read', x.districtId)).length,
        })),
        // Telegram refuses the parent's chat: staff phone them (core/unreachable.ts).
        telegramUnreachable,
        // Four eyes on a priority right: who approved first and when, while a second approval is awaited.
        secondApproval: waiting
          ? { firstApproverId: d.application.priorityFirstApproverId, firstApproverName: firstApproval?.actorName ?? null, at: d.application.priorityFirstApprovedAt }
          : null,
        certificateWarning: certificateWarning(d.application, proofSentAt, new Date(), deps.policy),
        // What this user may do now; the panel shows these buttons, the API checks again.
        actions: {
          verify: here('applications.verify') && needsVerification(d.application.status, pending),
          refuse: here('applications.refuse') && canTransition(d.application.status, 'refuse', 'staff'),
          priority: decidePriority,
          // The first approver may still deny the claim, never approve it a second time.
          approvePriority: decidePriority && !(waiting && d.application.priorityFirstApproverId === user.id),
          downloadDocuments: here('documents.download'),
          uploadDocuments: here('documents.upload'),
        },
      });
    })
    /** The registration notice as the bot's (appendix 4), for printing; ?lang=kk|ru. */
    .get('/:id/notice.pdf', need('applications.read'), async (c) => {
      const id = pathId(c);
      await districtOf(c, id, 'applications.read');
      return sendPdf(c, await printNotice(db, { applicationId: id, actor: actorOf(c), lang: langOf(c), policy: deps.policy }));
    })
    .post('/', need('applications.intake'), async (c) => {
      const { consent: _consent, ...input } = parseBody(intakeSchema, await readJson(c));
      if (!canInDistrict(c.get('session').user, 'applications.intake', input.districtId)) {
        throw new ValidationError([{ field: 'districtId', code: 'district_not_yours' }]);
      }
      const now = new Date();
      const result = await submitApplication(
        db,
        { ...input, applicant: { ...input.applicant, consentAt: now, telegramUserId: null } },
        actorOf(c),
        deps.policy,
        now,
      );
      const app = result.application;
      if (result.created) return c.json({ id: app.id, number: app.number, status: app.status, duplicate: false, visible: true }, 201);
      return c.json(await duplicateAnswer(c, app, input.child.iin));
    })
    .post('/:id/verify', need('applications.verify'), async (c) => {
      const id = pathId(c);
      await districtOf(c, id, 'applications.verify');
      const body = parseBody(verifySchema, await readJson(c));
      const app = await verifyApplication(db, { applicationId: id, actor: actorOf(c), note: body.note ?? null, policy: deps.policy });
      return c.json({ id: app.id, status: app.status });
    })
    .post('/:id/refuse', need('applications.refuse'), async (c) => {
      const id = pathId(c);
      await districtOf(c, id, 'applications.refuse');
      const body = parseBody(refuseSchema, await readJson(c));
      const app = await changeStatus(db, {
        applicationId: id,
        event: 'refuse',
        actor: actorOf(c),
        reason: body.reason,
        comment: body.comment ?? null,
        policy: deps.policy,
      });
      return c.json({ id: app.id, status: app.status });
    })
    .post('/:id/priority', need('applications.priority'), async (c) => {
      const id = pathId(c);
      await districtOf(c, id, 'applications.priority');
      const body = parseBody(prioritySchema, await readJson(c));
      if (body.decision === 'rejected' && !body.reason) throw new ValidationError([{ field: 'reason', code: 'reason_required' }]);
      const app = await decidePriorityClaim(db, {
        applicationId: id,
        decision: body.decision,
        actor: actorOf(c),
        reason: body.reason ?? null,
        comment: body.comment ?? null,
        policy: deps.policy,
      });
      const waiting = awaitsSecondApproval(app);
      // 202: the approval is recorded, the right is not granted until another staff member approves.
      return c.json(
        { id: app.id, priorityProof: app.priorityProof, queueCategory: app.queueCategory, state: waiting ? 'awaiting_second_approval' : app.priorityProof },
        waiting ? 202 : 200,
      );
    });
}
