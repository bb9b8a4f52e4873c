import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { applications, positionChanges, queues } from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import { IllegalTransitionError, NotFoundError, ValidationError } from './errors.ts';
import { enqueueNotification } from './notifications.ts';
import type { Policy } from './policy.ts';
import { queueListOf } from './queue.ts';
import { PRIORITY_REJECTION_REASONS } from './refusals.ts';

export type ProofDecision = 'verified' | 'rejected' | 'expired';

export interface PriorityDecisionInput {
  applicationId: number;
  decision: ProofDecision;
  actor: Actor;
  /** Reason code shown to the parent when the claim is rejected. */
  reason?: string | null;
  comment?: string | null;
  now?: Date;
  policy: Policy;
}

/**
 * Staff confirm or deny a priority claim (or a job expires a work certificate). The child's
 * list is derived again; if a waiting child changes list, the move is logged as the
 * position-change reason every parent behind sees.
 */
export async function decidePriorityClaim(db: Queryable, input: PriorityDecisionInput) {
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
    const validUntil =
      input.decision === 'verified' && (input.policy.expiringProofCategories as string[]).includes(app.priorityCategory)
        ? new Date(now.getTime() + input.policy.certificateValidityDays * 86_400_000)
        : input.decision === 'verified'
          ? null
          : app.priorityProofValidUntil;
    const list = queueListOf(app.priorityCategory, input.decision, validUntil, now, input.policy);
    const [updated] = await tx
      .update(applications)
      .set({ priorityProof: input.decision, priorityProofValidUntil: validUntil, queueCategory: list, updatedAt: now })
      .where(eq(applications.id, app.id))
      .returning();
    if (app.status === 'registered' && list !== app.queueCategory) {
      const [queue] = await tx.select({ phase: queues.phase }).from(queues).where(eq(queues.id, app.queueId));
      const phase = queue?.phase ?? 0;
      const common = { queueId: app.queueId, at: now, reason: 'category_changed' as const, applicationId: app.id };
      const move = { registeredAt: app.registeredAt, phaseBefore: phase, phaseAfter: phase };
      await tx.insert(positionChanges).values([
        { ...common, ...move, category: app.queueCategory, delta: -1 },
        { ...common, ...move, category: list, delta: 1 },
      ]);
    }
    await audit(tx, input.actor, {
      action: `application.priority_${input.decision}`,
      entity: 'application',
      entityId: app.id,
      from: app.priorityProof,
      to: input.decision,
      reason: input.reason ?? null,
      data: { category: app.priorityCategory, list, ...(input.comment ? { comment: input.comment } : {}) },
      at: now,
    });
    await enqueueNotification(tx, {
      applicantId: app.applicantId,
      applicationId: app.id,
      kind: `priority_${input.decision}`,
      params: { number: app.number, reason: input.reason ?? null },
    });
    return updated!;
  });
}
