/** The child waits in the general list until staff verify the proof, so a claim alone never moves anyone. */
import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable, Tx } from '../db/client.ts';
import { applications, documents } from '../db/schema/index.ts';
import { audit, SYSTEM, type Actor } from './audit.ts';
import { addDays, endOfLocalDay, localDate, startOfLocalDay } from './calendar.ts';
import { IllegalTransitionError, NotFoundError, RuleError } from './errors.ts';
import { scheduleJobs, type JobHandler } from './jobs.ts';
import { enqueueNotification } from './notifications.ts';
import type { Policy } from './policy.ts';
import { recordListMove } from './priority.ts';
import { queueListOf, type PriorityCategory } from './queue.ts';
import type { ApplicationStatus } from './status.ts';

export const PROOF_REMINDER_JOB = 'priority.proof_remind';

/** Statuses in which the parent may still change the claimed category: the child has no place yet. */
export const CATEGORY_OPEN: readonly ApplicationStatus[] = ['submitted', 'registered'];

export function proofDueAt(now: Date, policy: Policy): Date {
  return endOfLocalDay(addDays(localDate(now), policy.priorityProofSendDays));
}

/** 10:00 local, `priorityProofReminderDaysBefore` days before the due day; null when that is past. */
export function proofReminderAt(due: Date, now: Date, policy: Policy): Date | null {
  const at = new Date(startOfLocalDay(addDays(localDate(due), -policy.priorityProofReminderDaysBefore)).getTime() + 10 * 3_600_000);
  return at > now && at < due ? at : null;
}

async function scheduleReminder(tx: Queryable, applicationId: number, due: Date, now: Date, policy: Policy): Promise<void> {
  const runAt = proofReminderAt(due, now, policy);
  if (!runAt) return;
  await scheduleJobs(tx, [
    { kind: PROOF_REMINDER_JOB, payload: { applicationId, due: due.toISOString() }, runAt, dedupeKey: `application:${applicationId}:proof_remind` },
  ]);
}

export async function awaitPriorityProof(db: Queryable, input: { applicationId: number; actor: Actor; policy: Policy; now?: Date }): Promise<Date> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const [app] = await tx.select().from(applications).where(eq(applications.id, input.applicationId)).for('update');
    if (!app) throw new NotFoundError('application', input.applicationId);
    if (app.priorityCategory === 'none' || app.priorityProof !== 'pending') throw new IllegalTransitionError(app.priorityProof, 'await_proof');
    const due = proofDueAt(now, input.policy);
    await tx.update(applications).set({ priorityProofDueAt: due, updatedAt: now }).where(eq(applications.id, app.id));
    await scheduleReminder(tx, app.id, due, now, input.policy);
    await audit(tx, input.actor, {
      action: 'application.priority_proof_awaited',
      entity: 'application',
      entityId: app.id,
      from: app.priorityProof,
      to: app.priorityProof,
      data: { category: app.priorityCategory, due: due.toISOString() },
      at: now,
    });
    return due;
  });
}

const hasLiveProof = async (tx: Queryable, applicationId: number) =>
  (
    await tx
      .select({ id: documents.id })
      .from(documents)
      .where(and(eq(documents.applicationId, applicationId), eq(documents.kind, 'priority_proof'), ne(documents.verification, 'rejected')))
      .limit(1)
  ).length > 0;

export interface CategoryChange {
  number: string;
  from: PriorityCategory;
  to: PriorityCategory;
  /** When the new right's proof is due (null: no right claimed). */
  due: Date | null;
}

/** The new claim starts unproven: proofs sent for the old one no longer count. */
export async function changeCategoryByParent(
  db: Queryable,
  input: { applicationId: number; category: PriorityCategory; actor: Actor; policy: Policy; now?: Date },
): Promise<CategoryChange> {
  const now = input.now ?? new Date();
  const { policy } = input;
  const honoured: readonly string[] = ['none', ...policy.extraordinaryCategories, ...policy.firstPriorityCategories];
  if (!honoured.includes(input.category)) throw new RuleError('category_not_honoured');
  return db.transaction(async (tx) => {
    const [app] = await tx.select().from(applications).where(eq(applications.id, input.applicationId)).for('update');
    if (!app) throw new NotFoundError('application', input.applicationId);
    if (!CATEGORY_OPEN.includes(app.status)) throw new IllegalTransitionError(app.status, 'change_category');
    if (app.priorityCategory === input.category) throw new RuleError('category_unchanged');
    const proof = input.category === 'none' ? ('none' as const) : ('pending' as const);
    const list = queueListOf(input.category, proof, null, now, policy);
    const due = input.category === 'none' ? null : proofDueAt(now, policy);
    await tx
      .update(applications)
      .set({
        priorityCategory: input.category,
        priorityProof: proof,
        priorityProofValidUntil: null,
        priorityProofDueAt: due,
        // An approval of the old right counts for nothing towards the new one.
        priorityFirstApproverId: null,
        priorityFirstApprovedAt: null,
        prioritySecondApproverId: null,
        queueCategory: list,
        updatedAt: now,
      })
      .where(eq(applications.id, app.id));
    // The proof of another right proves nothing about this one.
    const superseded = await tx
      .update(documents)
      .set({ verification: 'rejected', verificationNote: 'category_changed', verifiedAt: now })
      .where(and(eq(documents.applicationId, app.id), eq(documents.kind, 'priority_proof'), ne(documents.verification, 'rejected')))
      .returning({ id: documents.id });
    await recordListMove(tx, app, list, now);
    if (due) await scheduleReminder(tx, app.id, due, now, policy);
    await audit(tx, input.actor, {
      action: 'application.priority_category_changed',
      entity: 'application',
      entityId: app.id,
      from: app.priorityCategory,
      to: input.category,
      data: { listBefore: app.queueCategory, list, proofBefore: app.priorityProof, supersededDocuments: superseded.map((d) => d.id), due: due?.toISOString() ?? null },
      at: now,
    });
    return { number: app.number, from: app.priorityCategory, to: input.category, due };
  });
}

const reminderPayload = z.object({ applicationId: z.number().int(), due: z.string() });

export function priorityClaimJobs(): Record<string, JobHandler> {
  return {
    [PROOF_REMINDER_JOB]: async (tx: Tx, job, now) => {
      const payload = reminderPayload.parse(job.payload);
      const [app] = await tx.select().from(applications).where(eq(applications.id, payload.applicationId));
      if (!app || !CATEGORY_OPEN.includes(app.status) || app.priorityCategory === 'none' || app.priorityProof !== 'pending') return;
      if (app.priorityProofDueAt?.toISOString() !== payload.due || now > app.priorityProofDueAt) return;
      if (await hasLiveProof(tx, app.id)) return;
      await enqueueNotification(tx, {
        applicantId: app.applicantId,
        applicationId: app.id,
        kind: 'priority_proof_reminder',
        params: { number: app.number, deadline: localDate(app.priorityProofDueAt) },
        dedupeKey: `proof_reminder:${app.id}:${payload.due}`,
      });
      await audit(tx, SYSTEM, { action: 'application.priority_proof_reminded', entity: 'application', entityId: app.id, data: { due: payload.due }, at: now });
    },
  };
}
