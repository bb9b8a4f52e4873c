import { eq, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../db/client.ts';
import { applications, positionChanges, queues } from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import { IllegalTransitionError, NotFoundError } from './errors.ts';
import { enqueueNotification } from './notifications.ts';
import type { Policy } from './policy.ts';
import { phaseAfterPlace, type QueueList } from './queue.ts';

export type ApplicationStatus = (typeof applications.status.enumValues)[number];
export type Application = typeof applications.$inferSelect;

/** Statuses that count as the child's one active application (the partial unique index agrees). */
export const ACTIVE_STATUSES = ['submitted', 'registered', 'offered', 'referred'] as const satisfies ApplicationStatus[];
/** The only status that waits in a queue and has a position. */
export const WAITING_STATUS = 'registered' as const satisfies ApplicationStatus;

type PositionReason = (typeof positionChanges.reason.enumValues)[number];

interface TransitionRule {
  from: readonly ApplicationStatus[];
  to: ApplicationStatus;
  actors: readonly Actor['type'][];
  /** A reason code is required (refusals, removals) and shown to the parent. */
  needsReason?: boolean;
  /** Why the queue moved, when the child leaves or joins the waiting list. */
  queueReason?: PositionReason;
}

/**
 * The status machine: every legal move of an application, and who may make it.
 * Anything not listed here is illegal.
 */
export const TRANSITIONS = {
  /** Checks passed: the child joins the queue. */
  register: { from: ['submitted'], to: 'registered', actors: ['system', 'staff'], queueReason: 'registered' },
  /** A reasoned refusal (SPEC "Result" c). */
  refuse: {
    from: ['submitted', 'registered'],
    to: 'refused',
    actors: ['system', 'staff'],
    needsReason: true,
    queueReason: 'refused',
  },
  /** A seat is offered: the child leaves the waiting list and the queue's phase moves. */
  offer: { from: ['registered'], to: 'offered', actors: ['system', 'staff'], queueReason: 'placed' },
  /** The parent accepts: the referral is issued. */
  confirm: { from: ['offered'], to: 'referred', actors: ['parent', 'staff'] },
  /** The parent turns the place down and waits again with the original registration time. */
  decline: { from: ['offered'], to: 'registered', actors: ['parent', 'staff'], queueReason: 'returned' },
  /** A window passed: back to the queue (possibly on the stop list). */
  lapse: { from: ['offered', 'referred'], to: 'registered', actors: ['system', 'staff'], queueReason: 'returned' },
  /** Out of the queue for good: aged out, or a lapse where the policy removes the child. */
  remove: {
    from: ['registered', 'offered', 'referred'],
    to: 'lapsed',
    actors: ['system', 'staff'],
    needsReason: true,
    queueReason: 'lapsed',
  },
  /** The kindergarten took the child: the application is done. */
  enrol: { from: ['referred'], to: 'enrolled', actors: ['staff'] },
  withdraw: { from: ACTIVE_STATUSES, to: 'withdrawn', actors: ['parent', 'staff'], queueReason: 'withdrawn' },
} as const satisfies Record<string, TransitionRule>;

export type TransitionEvent = keyof typeof TRANSITIONS;

export function canTransition(from: ApplicationStatus, event: TransitionEvent, actor: Actor['type']): boolean {
  const rule: TransitionRule = TRANSITIONS[event];
  return rule.from.includes(from) && rule.actors.includes(actor);
}

/** Events open to this actor from this status (the panel's buttons, the bot's actions). */
export function eventsFrom(from: ApplicationStatus, actor: Actor['type']): TransitionEvent[] {
  return (Object.keys(TRANSITIONS) as TransitionEvent[]).filter((e) => canTransition(from, e, actor));
}

export interface TransitionInput {
  applicationId: number;
  event: TransitionEvent;
  actor: Actor;
  /** A reason code (errors/refusals keys) — required for refuse and remove. */
  reason?: string | null;
  comment?: string | null;
  data?: Record<string, unknown>;
  now?: Date;
  policy: Policy;
}

/**
 * Makes one legal move inside the caller's transaction: locks the application, checks the
 * rule, updates it, moves the queue's phase, logs the queue change and the audit row, and
 * tells the parent (unless the parent made the move and sees the answer already).
 */
export async function transition(tx: Tx, input: TransitionInput): Promise<Application> {
  const now = input.now ?? new Date();
  const rule: TransitionRule = TRANSITIONS[input.event];
  const [app] = await tx.select().from(applications).where(eq(applications.id, input.applicationId)).for('update');
  if (!app) throw new NotFoundError('application', input.applicationId);
  if (!rule.from.includes(app.status)) throw new IllegalTransitionError(app.status, input.event);
  if (!rule.actors.includes(input.actor.type)) {
    throw new IllegalTransitionError(app.status, input.event, 'actor_not_allowed');
  }
  if (rule.needsReason && !input.reason) throw new IllegalTransitionError(app.status, input.event, 'reason_required');

  const leaves = app.status === 'registered' && rule.to !== 'registered';
  const joins = app.status !== 'registered' && rule.to === 'registered';
  const patch: Partial<typeof applications.$inferInsert> = { status: rule.to, statusChangedAt: now, updatedAt: now };

  if (leaves || joins) {
    // Lock the queue row: phase and numbers move one change at a time.
    // NO KEY UPDATE: the FK checks of concurrent inserts hold KEY SHARE on this row; UPDATE would deadlock with them.
    const [queue] = await tx.select().from(queues).where(eq(queues.id, app.queueId)).for('no key update');
    if (!queue) throw new NotFoundError('queue', app.queueId);
    const list = app.queueCategory as QueueList;
    const phaseAfter =
      input.event === 'offer' ? phaseAfterPlace(queue.phase, list, input.policy.generalPerBeneficiary) : queue.phase;
    if (input.event === 'register' && app.queueNumber === null) {
      const [numbered] = await tx
        .update(queues)
        .set({ lastNumber: sql`${queues.lastNumber} + 1`, phase: phaseAfter })
        .where(eq(queues.id, queue.id))
        .returning({ lastNumber: queues.lastNumber });
      patch.queueNumber = numbered?.lastNumber ?? null;
    } else if (phaseAfter !== queue.phase) {
      await tx.update(queues).set({ phase: phaseAfter }).where(eq(queues.id, queue.id));
    }
    await tx.insert(positionChanges).values({
      queueId: app.queueId,
      at: now,
      reason: rule.queueReason ?? 'correction',
      applicationId: app.id,
      category: list,
      registeredAt: app.registeredAt,
      delta: joins ? 1 : -1,
      phaseBefore: queue.phase,
      phaseAfter,
    });
  }
  if (input.event === 'refuse') {
    patch.refusalReason = input.reason ?? null;
    patch.refusalComment = input.comment ?? null;
  }
  if (input.event === 'lapse' && input.policy.stopListDays > 0) {
    patch.stopUntil = new Date(now.getTime() + input.policy.stopListDays * 86_400_000);
  }

  const [updated] = await tx.update(applications).set(patch).where(eq(applications.id, app.id)).returning();
  if (!updated) throw new NotFoundError('application', app.id);

  await audit(tx, input.actor, {
    action: `application.${input.event}`,
    entity: 'application',
    entityId: app.id,
    from: app.status,
    to: rule.to,
    reason: input.reason ?? null,
    data: { ...(input.comment ? { comment: input.comment } : {}), ...input.data },
    at: now,
  });
  if (input.actor.type !== 'parent') {
    await enqueueNotification(tx, {
      applicantId: app.applicantId,
      applicationId: app.id,
      kind: `status_${input.event}`,
      params: { number: app.number, reason: input.reason ?? null, comment: input.comment ?? null },
    });
  }
  return updated;
}

/** One transition in its own transaction. */
export async function changeStatus(db: Queryable, input: TransitionInput): Promise<Application> {
  return db.transaction((tx) => transition(tx, input));
}
