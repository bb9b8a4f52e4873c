import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { applications, positionChanges, queues } from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import { CERTIFICATE_EXPIRE_JOB, CERTIFICATE_REMIND_JOB } from './certificates.ts';
import { formatDateTime } from './format.ts';
import { scheduleJobs } from './jobs.ts';
import { IllegalTransitionError, NotFoundError, RuleError, ValidationError } from './errors.ts';
import { enqueueNotification } from './notifications.ts';
import type { Policy } from './policy.ts';
import { queueListOf } from './queue.ts';
import { PRIORITY_REJECTION_REASONS } from './refusals.ts';

export type ProofDecision = 'verified' | 'rejected' | 'expired';

export interface PriorityDecisionInput {
  applicationId: number;
  decision: ProofDecision;
  actor: Actor;
  reason?: string | null;
  comment?: string | null;
  now?: Date;
  policy: Policy;
}

/** A claim one staff member approved and a second, different one has not yet. */
export function awaitsSecondApproval(app: Pick<Application, 'priorityFirstApproverId' | 'prioritySecondApproverId'>): boolean {
  return app.priorityFirstApproverId !== null && app.prioritySecondApproverId === null;
}

export type Application = typeof applications.$inferSelect;

/**
 * Four eyes for policy.secondApprovalCategories: such a right moves a child ahead of hundreds, so
 * the first approval only opens the round. A denial needs one signature: it moves nobody ahead.
 */
export async function decidePriorityClaim(db: Queryable, input: PriorityDecisionInput): Promise<Application> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const [app] = await tx.select().from(applications).where(eq(applications.id, input.applicationId)).for('update');
    if (!app) throw new NotFoundError('application', input.applicationId);
    if (app.priorityCategory === 'none') throw new IllegalTransitionError(app.priorityProof, 'decide_priority');
    if (input.decision === 'rejected' && !input.reason) {
      throw new IllegalTransitionError(app.priorityProof, 'decide_priority', 'reason_required');
    }
    // A claim is denied for what is wrong with its proof, never with a refusal's reason.
    if (input.decision === 'rejected' && !(PRIORITY_REJECTION_REASONS as readonly string[]).includes(input.reason!)) {
      throw new ValidationError([{ field: 'reason', code: 'invalid' }]);
    }
    const fourEyes =
      input.decision === 'verified' && (input.policy.secondApprovalCategories as string[]).includes(app.priorityCategory);
    let approvers: { first: number | null; firstAt: Date | null; second: number | null } = { first: null, firstAt: null, second: null };
    if (fourEyes) {
      if (input.actor.type !== 'staff') throw new IllegalTransitionError(app.priorityProof, 'decide_priority', 'actor_not_allowed');
      if (!awaitsSecondApproval(app)) return firstApproval(tx, app, input, now);
      if (app.priorityFirstApproverId === input.actor.id) {
        throw new RuleError('second_approver_must_differ', { at: formatDateTime(app.priorityFirstApprovedAt!) });
      }
      approvers = { first: app.priorityFirstApproverId, firstAt: app.priorityFirstApprovedAt, second: input.actor.id };
    } else if (input.decision === 'expired') {
      // The record of who granted the right stays with the lapsed right.
      approvers = { first: app.priorityFirstApproverId, firstAt: app.priorityFirstApprovedAt, second: app.prioritySecondApproverId };
    }
    const validUntil =
      input.decision === 'verified' && (input.policy.expiringProofCategories as string[]).includes(app.priorityCategory)
        ? new Date(now.getTime() + input.policy.certificateValidityDays * 86_400_000)
        : input.decision === 'verified'
          ? null
          : app.priorityProofValidUntil;
    const list = queueListOf(app.priorityCategory, input.decision, validUntil, now, input.policy);
    const [updated] = await tx
      .update(applications)
      .set({
        priorityProof: input.decision,
        priorityProofValidUntil: validUntil,
        queueCategory: list,
        priorityFirstApproverId: approvers.first,
        priorityFirstApprovedAt: approvers.firstAt,
        prioritySecondApproverId: approvers.second,
        updatedAt: now,
      })
      .where(eq(applications.id, app.id))
      .returning();
    await recordListMove(tx, app, list, now);
    const annulled = input.decision === 'rejected' && awaitsSecondApproval(app) ? app.priorityFirstApproverId : null;
    await audit(tx, input.actor, {
      action: `application.priority_${input.decision}`,
      entity: 'application',
      entityId: app.id,
      from: app.priorityProof,
      to: input.decision,
      reason: input.reason ?? null,
      data: {
        category: app.priorityCategory,
        list,
        ...(input.comment ? { comment: input.comment } : {}),
        ...(fourEyes ? { firstApproverId: approvers.first, firstApprovedAt: approvers.firstAt?.toISOString() } : {}),
        ...(annulled !== null ? { firstApprovalAnnulled: annulled } : {}),
      },
      at: now,
    });
    await enqueueNotification(tx, {
      applicantId: app.applicantId,
      applicationId: app.id,
      kind: `priority_${input.decision}`,
      params: { number: app.number, reason: input.reason ?? null },
    });
    if (validUntil && input.decision === 'verified') await scheduleCertificateJobs(tx, updated!, input.policy);
    return updated!;
  });
}

async function firstApproval(tx: Queryable, app: Application, input: PriorityDecisionInput, now: Date): Promise<Application> {
  const [updated] = await tx
    .update(applications)
    .set({ priorityFirstApproverId: input.actor.id!, priorityFirstApprovedAt: now, prioritySecondApproverId: null, updatedAt: now })
    .where(eq(applications.id, app.id))
    .returning();
  await audit(tx, input.actor, {
    action: 'application.priority_first_approval',
    entity: 'application',
    entityId: app.id,
    from: app.priorityProof,
    to: app.priorityProof,
    data: { category: app.priorityCategory, ...(input.comment ? { comment: input.comment } : {}) },
    at: now,
  });
  return updated!;
}

/** The reminder comes early enough for a new certificate to be verified in time. */
async function scheduleCertificateJobs(tx: Queryable, app: Application, policy: Policy): Promise<void> {
  const validUntil = app.priorityProofValidUntil!;
  const payload = { applicationId: app.id, validUntil: validUntil.toISOString() };
  const remindAt = new Date(validUntil.getTime() - policy.certificateRenewalReminderDays * 86_400_000);
  await scheduleJobs(tx, [
    { kind: CERTIFICATE_REMIND_JOB, payload, runAt: remindAt, dedupeKey: `certificate:${app.id}:remind` },
    { kind: CERTIFICATE_EXPIRE_JOB, payload, runAt: validUntil, dedupeKey: `certificate:${app.id}:expire` },
  ]);
}

/**
 * A waiting child moved to another list by a change of its right: the move is logged as the
 * position-change reason every parent behind sees.
 */
export async function recordListMove(
  tx: Queryable,
  app: Pick<typeof applications.$inferSelect, 'id' | 'status' | 'queueId' | 'queueCategory' | 'registeredAt'>,
  list: number,
  now: Date,
): Promise<void> {
  if (app.status !== 'registered' || list === app.queueCategory) return;
  const [queue] = await tx.select({ phase: queues.phase }).from(queues).where(eq(queues.id, app.queueId));
  const phase = queue?.phase ?? 0;
  const common = { queueId: app.queueId, at: now, reason: 'category_changed' as const, applicationId: app.id };
  const move = { registeredAt: app.registeredAt, phaseBefore: phase, phaseAfter: phase };
  await tx.insert(positionChanges).values([
    { ...common, ...move, category: app.queueCategory, delta: -1 },
    { ...common, ...move, category: list, delta: 1 },
  ]);
}
