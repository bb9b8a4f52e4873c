/** Nobody loses a place here: a decision on the place is the application's own action. The row's id is the application's. */
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { changeApplicantPhone } from '../../core/application-changes.ts';
import { recordStaffCall } from '../../core/contact-checks.ts';
import { ValidationError } from '../../core/errors.ts';
import { UNREACHABLE_REASONS, undeliveredToMarkedChat } from '../../core/unreachable.ts';
import { applicants, applications, contactChecks, notifications, representatives, telegramUnreachable } from '../../db/schema/index.ts';
import { actorOf, inScope, need, parseBody, pathId, readJson, scopeWhere, type ApiContext, type ApiDeps, type ApiEnv } from './context.ts';
import { int, listParams, oneOrMany, sendList, type ListSpec } from './simple-rest.ts';

const a = applications;
const u = telegramUnreachable;
const cc = contactChecks;
const ACTIVE = ['submitted', 'registered', 'offered', 'referred'] as const;

const undelivered = (select: SQL) =>
  sql`(select ${select} from ${u} inner join ${notifications} on ${undeliveredToMarkedChat()} where ${notifications.applicationId} = ${a.id})`;
const reasonOf = sql<string | null>`(select ${u.reason} from ${u} inner join ${notifications} on ${undeliveredToMarkedChat()}
  where ${notifications.applicationId} = ${a.id} order by ${notifications.id} desc limit 1)`;
const markedSince = undelivered(sql`min(${u.since})`);
const overdue = (now: Date) => and(isNull(cc.closedAt), sql`${cc.dueAt} <= ${now.toISOString()}::timestamptz`)!;
const since = (now: Date) => sql<Date>`coalesce(${markedSince}, case when ${overdue(now)} then ${cc.dueAt} end)`;

function listSpec(now: Date): ListSpec {
  const reasonFilter = z.union([z.enum(UNREACHABLE_REASONS), z.array(z.enum(UNREACHABLE_REASONS)).min(1).max(10)]);
  return {
    resource: 'unreachable-parents',
    idColumn: a.id,
    sort: { since: [since(now), a.id], id: [a.id], number: [a.number] },
    defaultSort: ['since', 'DESC'],
    filters: {
      districtId: oneOrMany(a.districtId, int),
      reason: (value) => {
        const parsed = reasonFilter.safeParse(value);
        if (!parsed.success) throw new ValidationError([{ field: 'filter', code: 'invalid' }]);
        const list = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
        return sql`${reasonOf} in (${sql.join(list.map((r) => sql`${r}`), sql`, `)})`;
      },
      why: (value) => {
        const parsed = z.enum(['undelivered', 'unconfirmed']).safeParse(value);
        if (!parsed.success) throw new ValidationError([{ field: 'filter', code: 'invalid' }]);
        return parsed.data === 'undelivered' ? sql`${markedSince} is not null` : overdue(now);
      },
    },
  };
}

const columns = (now: Date) => ({
  id: a.id,
  number: a.number,
  status: a.status,
  districtId: a.districtId,
  // The recipient is the representative when there is one (core/outbox.ts): they are the one to phone.
  parentName: sql<string>`coalesce(${representatives.fullName}, ${applicants.fullName})`,
  phone: sql<string | null>`coalesce(${representatives.phone}, ${applicants.phones}[1])`,
  why: sql<'undelivered' | 'unconfirmed'>`case when ${markedSince} is not null then 'undelivered' else 'unconfirmed' end`,
  reason: reasonOf,
  since: since(now),
  undelivered: sql<number>`coalesce(${undelivered(sql`count(*)::int`)}, 0)`,
  lastKind: sql<string | null>`(select ${notifications.kind} from ${u} inner join ${notifications} on ${undeliveredToMarkedChat()}
    where ${notifications.applicationId} = ${a.id} order by ${notifications.id} desc limit 1)`,
  // The open question about the phone: why it was asked and by when it should have been answered.
  checkReason: cc.reason,
  checkAskedAt: cc.askedAt,
  checkDueAt: cc.dueAt,
});

const onTheList = (now: Date) =>
  sql`${a.id} in (select ${notifications.applicationId} from ${u} inner join ${notifications} on ${undeliveredToMarkedChat()}
    union select a2.id from ${cc} c2 inner join ${applications} a2 on a2.applicant_id = c2.applicant_id
    where c2.closed_at is null and c2.due_at <= ${now.toISOString()}::timestamptz and a2.status in (${sql.join(ACTIVE.map((s) => sql`${s}`), sql`, `)}))`;

const callSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.enum(['confirmed', 'not_reached']), note: z.string().trim().min(3).max(500) }),
  z.object({ outcome: z.literal('changed'), phone: z.string().min(5).max(40), note: z.string().trim().min(3).max(500) }),
]);

export function unreachableParentsRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  const from = (now: Date, select: ReturnType<typeof columns> | { n: SQL<number> }) =>
    db
      .select(select)
      .from(a)
      .innerJoin(applicants, eq(applicants.id, a.applicantId))
      .leftJoin(representatives, eq(representatives.id, a.representativeId))
      .leftJoin(cc, and(eq(cc.applicantId, a.applicantId), isNull(cc.closedAt)));

  return new Hono<ApiEnv>()
    .get('/', need('applications.read'), async (c) => {
      const now = new Date();
      const p = listParams(c, listSpec(now), scopeWhere(c, 'applications.read', a.districtId));
      const where = and(onTheList(now), p.where);
      const [rows, [count]] = await Promise.all([
        from(now, columns(now)).where(where).orderBy(...p.orderBy).limit(p.limit).offset(p.offset),
        from(now, { n: sql<number>`count(*)::int` }).where(where),
      ]);
      return sendList(c, 'unreachable-parents', rows, p.offset, (count as { n: number } | undefined)?.n ?? 0);
    })
    .post('/:id/call', need('applications.intake'), async (c: ApiContext) => {
      const id = pathId(c);
      const [app] = await db.select({ districtId: a.districtId }).from(a).where(and(eq(a.id, id), inArray(a.status, [...ACTIVE])));
      if (!app || !inScope(c, 'applications.intake', app.districtId)) return c.json({ error: 'not_found' }, 404);
      const body = parseBody(callSchema, await readJson(c));
      const actor = actorOf(c);
      if (actor.type !== 'staff') return c.json({ error: 'forbidden' }, 403);
      if (body.outcome === 'changed') {
        await changeApplicantPhone(db, { applicationId: id, phone: body.phone, verified: true, actor, note: body.note });
      } else {
        await recordStaffCall(db, { applicationId: id, outcome: body.outcome, note: body.note, actor });
      }
      return c.json({ id, outcome: body.outcome });
    });
}
