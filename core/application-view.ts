/** One application as staff see it. Reads only. */
import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client.ts';
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
import type { IdentityProof } from './applications.ts';
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
  channel: string | null;
}

export interface AheadEntry {
  id: number;
  number: string;
  registeredAt: Date;
  list: (typeof LIST_NAMES)[QueueList];
}

/** Another applicant record with the same IIN: someone else claimed it too. Staff decide; nothing is merged. */
export interface IdentityClaim {
  applicantId: number;
  fullName: string;
  phones: string[];
  address: string | null;
  identityProof: IdentityProof;
  otherTelegramAccount: boolean;
  differs: ('fullName' | 'phone' | 'address' | 'telegram')[];
  applications: { id: number; number: string; districtId: number; status: Application['status'] }[];
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
  expectedWait: ExpectedWait | null;
  ahead: AheadEntry[];
  identityClaims: IdentityClaim[];
}

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
  const [kgs, docs, refs, history, position, ahead, identityClaims] = await Promise.all([
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
    identityClaimsOf(db, row.applicant),
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
    identityClaims,
  };
}

const norm = (s: string | null) => (s ?? '').toLocaleLowerCase('kk').replace(/\s+/g, ' ').trim();

export async function identityClaimsOf(db: Queryable, applicant: typeof applicants.$inferSelect): Promise<IdentityClaim[]> {
  const others = await rowsOf<{
    id: number;
    full_name: string;
    phones: string[];
    address: string | null;
    telegram_user_id: number | string | null;
    identity_proof: IdentityProof;
    applications: IdentityClaim['applications'] | string;
  }>(
    db,
    sql`select p.id, p.full_name, p.phones, p.address, p.telegram_user_id, p.identity_proof,
        coalesce((select json_agg(json_build_object('id', x.id, 'number', x.number, 'districtId', x.district_id, 'status', x.status) order by x.id)
                    from applications x where x.applicant_id = p.id), '[]') as applications
      from applicants p where p.iin = ${applicant.iin} and p.id <> ${applicant.id}
     order by p.id limit 50`,
  );
  return others.flatMap((other) => {
    const differs: IdentityClaim['differs'] = [];
    if (norm(other.full_name) !== norm(applicant.fullName)) differs.push('fullName');
    if (other.phones[0] !== applicant.phones[0]) differs.push('phone');
    if (norm(other.address) !== norm(applicant.address)) differs.push('address');
    const telegram = other.telegram_user_id === null ? null : Number(other.telegram_user_id);
    const otherTelegramAccount = telegram !== null && telegram !== applicant.telegramUserId;
    if (otherTelegramAccount) differs.push('telegram');
    if (!differs.length) return [];
    const apps = other.applications;
    return [
      {
        applicantId: other.id,
        fullName: other.full_name,
        phones: other.phones,
        address: other.address,
        identityProof: other.identity_proof,
        otherTelegramAccount,
        differs,
        applications: typeof apps === 'string' ? (JSON.parse(apps) as IdentityClaim['applications']) : apps,
      },
    ];
  });
}

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
      channel: sql<string | null>`${auditLog.data}->>'channel'`,
    })
    .from(auditLog)
    .leftJoin(staffUsers, eq(staffUsers.id, auditLog.actorId))
    .where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, applicationId)))
    .orderBy(asc(auditLog.at), asc(auditLog.id))
    .limit(500);
  return rows;
}
