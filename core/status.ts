import { asc, eq, inArray } from 'drizzle-orm';
import { bulkInsert, type Queryable, type Tx } from '../db/client.ts';
import { applications, positionChanges, queues } from '../db/schema/index.ts';
import { auditMany, type Actor } from './audit.ts';
import { localDate } from './calendar.ts';
import { enqueueNotifications } from './notifications.ts';
import { IllegalTransitionError, NotFoundError } from './errors.ts';
import type { Policy } from './policy.ts';
import { phaseAfterPlace, type QueueList } from './queue.ts';

export type ApplicationStatus = (typeof applications.status.enumValues)[number];
export type Application = typeof applications.$inferSelect;

/** Statuses that count as the child's one active application (the partial unique index agrees). */
export const ACTIVE_STATUSES = ['submitted', 'registered', 'offered', 'referred'] as const satisfies ApplicationStatus[];
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

/** Anything not listed here is illegal. */
export const TRANSITIONS = {
  register: { from: ['submitted'], to: 'registered', actors: ['system', 'staff'], queueReason: 'registered' },
  /** A reasoned refusal (SPEC "Result" c). */
  refuse: {
    from: ['submitted', 'registered'],
    to: 'refused',
    actors: ['system', 'staff'],
    needsReason: true,
    queueReason: 'refused',
  },
  offer: { from: ['registered'], to: 'offered', actors: ['system', 'staff'], queueReason: 'placed' },
  confirm: { from: ['offered'], to: 'referred', actors: ['parent', 'staff'] },
  /** The parent turns the place down and waits again with the original registration time. */
  decline: { from: ['offered'], to: 'registered', actors: ['parent', 'staff'], queueReason: 'returned' },
  lapse: { from: ['offered', 'referred'], to: 'registered', actors: ['system', 'staff'], queueReason: 'returned' },
  /** Out of the queue for good: aged out, or a lapse where the policy removes the child. */
  remove: {
    from: ['registered', 'offered', 'referred'],
    to: 'lapsed',
    actors: ['system', 'staff'],
    needsReason: true,
    queueReason: 'lapsed',
  },
  enrol: { from: ['referred'], to: 'enrolled', actors: ['staff'] },
  withdraw: { from: ACTIVE_STATUSES, to: 'withdrawn', actors: ['parent', 'staff'], queueReason: 'withdrawn' },
} as const satisfies Record<string, TransitionRule>;

export type TransitionEvent = keyof typeof TRANSITIONS;

export function canTransition(from: ApplicationStatus, event: TransitionEvent, actor: Actor['type']): boolean {
  const rule: TransitionRule = TRANSITIONS[event];
  return rule.from.includes(from) && rule.actors.includes(actor);
}

export function eventsFrom(from: ApplicationStatus, actor: Actor['type']): TransitionEvent[] {
  return (Object.keys(TRANSITIONS) as TransitionEvent[]).filter((e) => canTransition(from, e, actor));
}

export interface TransitionInput {
  applicationId: number;
  event: TransitionEvent;
  actor: Actor;
  reason?: string | null;
  comment?: string | null;
  data?: Record<string, unknown>;
  notify?: Record<string, string | number | null>;
  now?: Date;
  policy: Policy;
}

export interface BatchItem {
  applicationId: number;
  data?: Record<string, unknown>;
  notify?: Record<string, string | number | null>;
}

export type BatchTransitionInput = Omit<TransitionInput, 'applicationId' | 'data' | 'notify'> & {
  items: BatchItem[];
};

/** The parent is told unless they made the move and see the answer already. */
export async function transition(tx: Tx, input: TransitionInput): Promise<Application> {
  const { applicationId, data, notify, ...rest } = input;
  const [updated] = await transitionMany(tx, { ...rest, items: [{ applicationId, data, notify }] });
  return updated!;
}

/** Set-based writes; all or nothing. */
export async function transitionMany(tx: Tx, input: BatchTransitionInput): Promise<Application[]> {
  const now = input.now ?? new Date();
  const rule: TransitionRule = TRANSITIONS[input.event];
  const ids = input.items.map((i) => i.applicationId);
  if (ids.length === 0) return [];
  if (rule.needsReason && !input.reason) throw new IllegalTransitionError('*', input.event, 'reason_required');
  if (!rule.actors.includes(input.actor.type)) throw new IllegalTransitionError('*', input.event, 'actor_not_allowed');
  // Lock in id order so concurrent batches cannot deadlock on each other.
  const locked = await tx
    .select()
    .from(applications)
    .where(inArray(applications.id, [...ids].sort((a, b) => a - b)))
    .orderBy(asc(applications.id))
    .for('update');
  const byId = new Map(locked.map((a) => [a.id, a]));
  const apps = ids.map((id) => {
    const app = byId.get(id);
    if (!app) throw new NotFoundError('application', id);
    if (!rule.from.includes(app.status)) throw new IllegalTransitionError(app.status, input.event);
    return app;
  });

  const moves = apps.filter((a) => (a.status === 'registered') !== (rule.to === 'registered'));
  const queueNumbers = new Map<number, number>();
  const changes: (typeof positionChanges.$inferInsert)[] = [];
  for (const queueId of [...new Set(moves.map((a) => a.queueId))].sort((a, b) => a - b)) {
    // NO KEY UPDATE: the FK checks of concurrent inserts hold KEY SHARE on this row; UPDATE would deadlock with them.
    const [queue] = await tx.select().from(queues).where(eq(queues.id, queueId)).for('no key update');
    if (!queue) throw new NotFoundError('queue', queueId);
    let phase = queue.phase;
    let lastNumber = queue.lastNumber;
    for (const app of moves.filter((a) => a.queueId === queueId)) {
      const joins = rule.to === 'registered';
      const list = app.queueCategory as QueueList;
      const phaseAfter =
        input.event === 'offer' ? phaseAfterPlace(phase, list, input.policy.generalPerBeneficiary) : phase;
      if (input.event === 'register' && app.queueNumber === null) queueNumbers.set(app.id, ++lastNumber);
      changes.push({
        queueId,
        at: now,
        reason: rule.queueReason ?? 'correction',
        applicationId: app.id,
        category: list,
        registeredAt: app.registeredAt,
        delta: joins ? 1 : -1,
        phaseBefore: phase,
        phaseAfter,
      });
      phase = phaseAfter;
    }
    if (phase !== queue.phase || lastNumber !== queue.lastNumber) {
      await tx.update(queues).set({ phase, lastNumber }).where(eq(queues.id, queueId));
    }
  }
  await bulkInsert(tx, positionChanges, changes);

  const patch: Partial<typeof applications.$inferInsert> = { status: rule.to, statusChangedAt: now, updatedAt: now };
  if (input.event === 'refuse') {
    patch.refusalReason = input.reason ?? null;
    patch.refusalComment = input.comment ?? null;
  }
  if (input.event === 'lapse' && input.policy.stopListDays > 0) {
    patch.stopUntil = new Date(now.getTime() + input.policy.stopListDays * 86_400_000);
  }
  const updated = await tx.update(applications).set(patch).where(inArray(applications.id, ids)).returning();
  for (const [id, queueNumber] of queueNumbers) {
    const [numbered] = await tx.update(applications).set({ queueNumber }).where(eq(applications.id, id)).returning();
    const i = updated.findIndex((u) => u.id === id);
    if (numbered && i >= 0) updated[i] = numbered;
  }

  await auditMany(
    tx,
    input.actor,
    input.items.map((item) => ({
      action: `application.${input.event}`,
      entity: 'application',
      entityId: item.applicationId,
      from: byId.get(item.applicationId)!.status,
      to: rule.to,
      reason: input.reason ?? null,
      data: { ...(input.comment ? { comment: input.comment } : {}), ...item.data },
      at: now,
    })),
  );
  if (input.actor.type !== 'parent') {
    await enqueueNotifications(
      tx,
      input.items.map((item) => {
        const app = byId.get(item.applicationId)!;
        return {
          applicantId: app.applicantId,
          applicationId: app.id,
          kind: `status_${input.event}`,
          params: {
            number: app.number,
            reason: input.reason ?? null,
            comment: input.comment ?? null,
            // The parent learns the stop list and its last day with the lapse, not from a refused offer later.
            ...(patch.stopUntil ? { stopDays: input.policy.stopListDays, stopUntil: localDate(patch.stopUntil) } : {}),
            ...item.notify,
          },
        };
      }),
    );
  }
  const out = new Map(updated.map((u) => [u.id, u]));
  return ids.map((id) => out.get(id)!);
}

export async function changeStatus(db: Queryable, input: TransitionInput): Promise<Application> {
  return db.transaction((tx) => transition(tx, input));
}
