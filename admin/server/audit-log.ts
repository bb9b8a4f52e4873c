/** Rows about an application carry its number, so people read "2026-0000123" where the table holds an id. */
import { and, eq, like, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { applicants, applications, auditLog, children, documents, referrals, staffUsers } from '../../db/schema/index.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { need, pathId, type ApiDeps, type ApiEnv } from './context.ts';
import { dateFrom, dateTo, int, listParams, oneOrMany, sendList, type ListSpec } from './simple-rest.ts';

const l = auditLog;

const list: ListSpec = {
  resource: 'audit-log',
  idColumn: l.id,
  sort: { id: [l.id], at: [l.at, l.id] },
  defaultSort: ['id', 'DESC'],
  filters: {
    actorType: oneOrMany(l.actorType, z.enum(l.actorType.enumValues)),
    actorId: oneOrMany(l.actorId, int),
    entity: oneOrMany(l.entity, z.string().max(64)),
    entityId: oneOrMany(l.entityId, int),
    /** An exact action, or a family of them ending in a dot ("application."). */
    action: (value): SQL => {
      const a = z.string().trim().min(1).max(100).safeParse(value);
      if (!a.success) throw new ValidationError([{ field: 'filter.action', code: 'invalid' }]);
      return a.data.endsWith('.') ? like(l.action, `${a.data.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`) : eq(l.action, a.data);
    },
    /** Every row about one application: itself, its referrals and its documents. */
    applicationNumber: (value): SQL => {
      const n = z.string().trim().min(1).max(32).safeParse(value);
      if (!n.success) throw new ValidationError([{ field: 'filter.applicationNumber', code: 'invalid' }]);
      const number = n.data;
      return sql`((${l.entity} = 'application' and ${l.entityId} in (select id from applications where number = ${number}))
        or (${l.entity} = 'referral' and ${l.entityId} in
              (select r.id from referrals r join applications x on x.id = r.application_id where x.number = ${number}))
        or (${l.entity} = 'document' and ${l.entityId} in
              (select d.id from documents d join applications x on x.id = d.application_id where x.number = ${number})))`;
    },
    from: dateFrom(l.at),
    to: dateTo(l.at),
  },
};

const columns = {
  id: l.id,
  at: l.at,
  actorType: l.actorType,
  actorId: l.actorId,
  actorLogin: staffUsers.login,
  actorName: staffUsers.fullName,
  parentName: applicants.fullName,
  action: l.action,
  entity: l.entity,
  entityId: l.entityId,
  fromState: l.fromState,
  toState: l.toState,
  reason: l.reason,
  comment: sql<string | null>`${l.data}->>'comment'`,
  data: l.data,
  applicationId: applications.id,
  applicationNumber: applications.number,
  childName: children.fullName,
};

export function auditLogRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  // Only staff ids point at staff_users; parents' ids are applicants.
  const join = sql`${l.actorType} = 'staff' and ${staffUsers.id} = ${l.actorId}`;
  const applicationOfRow = sql`case ${l.entity} when 'application' then ${l.entityId}
    when 'referral' then ${referrals.applicationId} when 'document' then ${documents.applicationId} end`;
  const select = () =>
    db
      .select(columns)
      .from(l)
      .leftJoin(staffUsers, join)
      .leftJoin(applicants, and(eq(l.actorType, 'parent'), eq(applicants.id, l.actorId)))
      .leftJoin(referrals, and(eq(l.entity, 'referral'), eq(referrals.id, l.entityId)))
      .leftJoin(documents, and(eq(l.entity, 'document'), eq(documents.id, l.entityId)))
      .leftJoin(applications, eq(applications.id, applicationOfRow))
      .leftJoin(children, eq(children.id, applications.childId));
  return new Hono<ApiEnv>()
    .use(need('audit.read'))
    .get('/', async (c) => {
      const p = listParams(c, list);
      const [rows, [count]] = await Promise.all([
        select().where(p.where).orderBy(...p.orderBy).limit(p.limit).offset(p.offset),
        db.select({ n: sql<number>`count(*)::int` }).from(l).where(p.where),
      ]);
      return sendList(c, 'audit-log', rows, p.offset, count?.n ?? 0);
    })
    .get('/:id', async (c) => {
      const id = pathId(c);
      const [row] = await select().where(eq(l.id, id));
      if (!row) throw new NotFoundError('audit', id);
      return c.json(row);
    });
}
