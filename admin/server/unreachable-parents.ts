/**
 * /api/unreachable-parents: parents Telegram would not deliver to (they blocked the bot, deleted
 * the account, or the chat is gone), one row per application with undelivered messages, for
 * staff to phone. Scoped to the staff member's districts; read-only. The row's id is the
 * application's. A row disappears when the parent writes to the bot again (core/unreachable.ts).
 */
import { countDistinct, eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { applicants, applications, notifications, representatives, telegramUnreachable } from '../../db/schema/index.ts';
import { UNREACHABLE_REASONS, undeliveredToMarkedChat } from '../../core/unreachable.ts';
import { need, scopeWhere, type ApiDeps, type ApiEnv } from './context.ts';
import { int, listParams, oneOrMany, sendList, type ListSpec } from './simple-rest.ts';

const a = applications;
const u = telegramUnreachable;

const list: ListSpec = {
  resource: 'unreachable-parents',
  idColumn: a.id,
  sort: { since: [u.since, a.id], id: [a.id], number: [a.number] },
  defaultSort: ['since', 'DESC'],
  filters: {
    districtId: oneOrMany(a.districtId, int),
    reason: oneOrMany(u.reason, z.enum(UNREACHABLE_REASONS)),
  },
};

const columns = {
  id: a.id,
  number: a.number,
  status: a.status,
  districtId: a.districtId,
  // The recipient is the representative when there is one (core/outbox.ts): they are the one to phone.
  parentName: sql<string>`coalesce(${representatives.fullName}, ${applicants.fullName})`,
  phone: sql<string | null>`coalesce(${representatives.phone}, ${applicants.phones}[1])`,
  reason: u.reason,
  since: u.since,
  undelivered: sql<number>`count(${notifications.id})::int`,
  lastKind: sql<string>`(array_agg(${notifications.kind} order by ${notifications.id} desc))[1]`,
};

export function unreachableParentsRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  return new Hono<ApiEnv>().use(need('applications.read')).get('/', async (c) => {
    const p = listParams(c, list, scopeWhere(c, 'applications.read', a.districtId));
    const [rows, [count]] = await Promise.all([
      db
        .select(columns)
        .from(u)
        .innerJoin(notifications, undeliveredToMarkedChat())
        .innerJoin(a, eq(a.id, notifications.applicationId))
        .innerJoin(applicants, eq(applicants.id, a.applicantId))
        .leftJoin(representatives, eq(representatives.id, a.representativeId))
        .where(p.where)
        .groupBy(a.id, applicants.id, representatives.id, u.telegramUserId)
        .orderBy(...p.orderBy)
        .limit(p.limit)
        .offset(p.offset),
      db
        .select({ n: countDistinct(a.id) })
        .from(u)
        .innerJoin(notifications, undeliveredToMarkedChat())
        .innerJoin(a, eq(a.id, notifications.applicationId))
        .where(p.where),
    ]);
    return sendList(c, 'unreachable-parents', rows, p.offset, count?.n ?? 0);
  });
}
