/**
 * /api/audit-log (admin, auditor): who did what, when and why. Read-only; filter by actor,
 * action, entity and time. Staff actors come with their login and name.
 */
import { eq, like, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { auditLog, staffUsers } from '../../db/schema/index.ts';
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
  action: l.action,
  entity: l.entity,
  entityId: l.entityId,
  fromState: l.fromState,
  toState: l.toState,
  reason: l.reason,
  data: l.data,
};

export function auditLogRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  // Only staff ids point at staff_users; parents' ids are applicants.
  const join = sql`${l.actorType} = 'staff' and ${staffUsers.id} = ${l.actorId}`;
  return new Hono<ApiEnv>()
    .use(need('audit.read'))
    .get('/', async (c) => {
      const p = listParams(c, list);
      const [rows, [count]] = await Promise.all([
        db.select(columns).from(l).leftJoin(staffUsers, join).where(p.where).orderBy(...p.orderBy).limit(p.limit).offset(p.offset),
        db.select({ n: sql<number>`count(*)::int` }).from(l).where(p.where),
      ]);
      return sendList(c, 'audit-log', rows, p.offset, count?.n ?? 0);
    })
    .get('/:id', async (c) => {
      const id = pathId(c);
      const [row] = await db.select(columns).from(l).leftJoin(staffUsers, join).where(eq(l.id, id));
      if (!row) throw new NotFoundError('audit', id);
      return c.json(row);
    });
}
