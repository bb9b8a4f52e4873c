/**
 * One application as staff and the call centre see it: the child, the applicant and any
 * representative, documents (metadata only), the status history from the audit log, the
 * position and the nearest children ahead in the same list. Reads only.
 */
import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import {
  applicants,
  applications,
  auditLog,
  children,
  districts,
  documents,
  groups,
  kindergartens,
  referrals,
  representatives,
  staffUsers,
} from '../db/schema/index.ts';
import { NotFoundError } from './errors.ts';
import { expectedWaitInQueue, type ExpectedWait } from './expected-wait.ts';
import type { Policy } from './policy.ts';
import { getPosition, type QueuePosition } from './position.ts';
import { LIST_NAMES, type QueueList } from './queue.ts';
import type { Application } from './status.ts';

export const documentMeta = {
  id: documents.id,
  applicationId: documents.applicationId,
  kind: documents.kind,
  fileName: documents.fileName,
  mimeType: documents.mimeType,
  size: documents.size,
  sha256: documents.sha256,
  verification: documents.verification,
  verifiedBy: documents.verifiedBy,
  verifiedAt: documents.verifiedAt,
  verificationNote: documents.verificationNote,
  createdAt: documents.createdAt,
};

export interface HistoryEntry {
  id: number;
  at: Date;
  action: string;
  actorType: string;
  actorId: number | null;
  actorName: string | null;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  comment: string | null;
}

export interface AheadEntry {
  id: number;
  number: string;
  registeredAt: Date;
  list: (typeof LIST_NAMES)[QueueList];
}

export interface ApplicationDetail {
  application: Application;
  child: typeof children.$inferSelect;
  applicant: typeof applicants.$inferSelect;
  representative: typeof representatives.$inferSelect | null;
  district: typeof districts.$inferSelect;
  kindergartens: { id: number; number: number; nameKk: string; nameRu: string }[];
  documents: { [K in keyof typeof documentMeta]: (typeof documents.$inferSelect)[K] }[];
  referrals: (typeof referrals.$inferSelect & { kindergartenNumber: number; groupName: string })[];
  history: HistoryEntry[];
  position: QueuePosition | null;
  /** From the queue's places of the past year: a range of months, or not enough data; null when not waiting. */
  expectedWait: ExpectedWait | null;
  /** The nearest children ahead in the same list, closest first. */
  ahead: AheadEntry[];
}

/** Up to `limit` children waiting just ahead of this one in its own list (same queue and list). */
export async function nearestAhead(db: Queryable, app: Application, limit = 5): Promise<AheadEntry[]> {
  if (app.status !== 'registered') return [];
  const rows = await db
    .select({ id: applications.id, number: applications.number, registeredAt: applications.registeredAt, list: applications.queueCategory })
    .from(applications)
    .where(
      and(
        eq(applications.status, 'registered'),
        eq(applications.queueId, app.queueId),
        eq(applications.queueCategory, app.queueCategory),
        or(
          lt(applications.registeredAt, app.registeredAt),
          and(eq(applications.registeredAt, app.registeredAt), lt(applications.id, app.id)),
        ),
      ),
    )
    .orderBy(desc(applications.queueCategory), desc(applications.registeredAt), desc(applications.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, list: LIST_NAMES[r.list as QueueList] }));
}

export async function getApplicationDetail(db: Queryable, id: number, policy: Policy): Promise<ApplicationDetail> {
  const [row] = await db
    .select({ application: applications, child: children, applicant: applicants, representative: representatives, district: districts })
    .from(applications)
    .innerJoin(children, eq(children.id, applications.childId))
    .innerJoin(applicants, eq(applicants.id, applications.applicantId))
    .innerJoin(districts, eq(districts.id, applications.districtId))
    .leftJoin(representatives, eq(representatives.id, applications.representativeId))
    .where(eq(applications.id, id));
  if (!row) throw new NotFoundError('application', id);
  const app = row.application;
  const [kgs, docs, refs, history, position, ahead] = await Promise.all([
    db
      .select({ id: kindergartens.id, number: kindergartens.number, nameKk: kindergartens.nameKk, nameRu: kindergartens.nameRu })
      .from(kindergartens)
      .where(inArray(kindergartens.id, app.kindergartenIds)),
    db.select(documentMeta).from(documents).where(eq(documents.applicationId, id)).orderBy(asc(documents.id)),
    db
      .select({ referral: referrals, kindergartenNumber: kindergartens.number, groupName: groups.name })
      .from(referrals)
      .innerJoin(groups, eq(groups.id, referrals.groupId))
      .innerJoin(kindergartens, eq(kindergartens.id, groups.kindergartenId))
      .where(eq(referrals.applicationId, id))
      .orderBy(desc(referrals.id)),
    statusHistory(db, id),
    getPosition(db, id, policy),
    nearestAhead(db, app),
  ]);
  const expectedWait = position ? await expectedWaitInQueue(db, position.queueId, position.position) : null;
  return {
    application: app,
    child: row.child,
    applicant: row.applicant,
    representative: row.representative,
    district: row.district,
    // In the parent's ranking, not the database's order.
    kindergartens: app.kindergartenIds.flatMap((k) => kgs.filter((g) => g.id === k)),
    documents: docs,
    referrals: refs.map((r) => ({ ...r.referral, kindergartenNumber: r.kindergartenNumber, groupName: r.groupName })),
    history,
    position,
    expectedWait,
    ahead,
  };
}

/** Every recorded step of the application, oldest first, with the staff member's name. */
export async function statusHistory(db: Queryable, applicationId: number): Promise<HistoryEntry[]> {
  const rows = await db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      actorType: auditLog.actorType,
      actorId: auditLog.actorId,
      actorName: sql<string | null>`case when ${auditLog.actorType} = 'staff' then ${staffUsers.fullName} end`,
      fromState: auditLog.fromState,
      toState: auditLog.toState,
      reason: auditLog.reason,
      comment: sql<string | null>`${auditLog.data}->>'comment'`,
    })
    .from(auditLog)
    .leftJoin(staffUsers, eq(staffUsers.id, auditLog.actorId))
    .where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, applicationId)))
    .orderBy(asc(auditLog.at), asc(auditLog.id))
    .limit(500);
  return rows;
}
