/** Once Telegram refuses a chat nothing more is sent there; staff phone instead until the parent writes again. */
import { and, desc, eq, gte, isNotNull, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { notifications, telegramUnreachable } from '../db/schema/index.ts';
import { audit, SYSTEM } from './audit.ts';
import { applicantOfNotification, openContactCheck } from './contact-checks.ts';
import { markFailed, type Attempt } from './outbox.ts';
import type { Policy } from './policy.ts';

export type UnreachableReason = (typeof telegramUnreachable.reason.enumValues)[number];
export const UNREACHABLE_REASONS = telegramUnreachable.reason.enumValues;

export interface Unreachable {
  reason: UnreachableReason;
  since: Date;
}

export async function markUnreachable(
  db: Queryable,
  attempt: Attempt,
  input: {
    chatId: number;
    applicationId: number | null;
    reason: UnreachableReason;
    error: string;
    claimedAt: Date;
    policy: Pick<Policy, 'contactCheckWindowDays'>;
  },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await markFailed(tx, attempt, input.error, input.chatId))) return false;
    const marked = await tx
      .insert(telegramUnreachable)
      .values({ telegramUserId: input.chatId, reason: input.reason, error: input.error.slice(0, 500), since: input.claimedAt, notificationId: attempt.id })
      .onConflictDoNothing()
      .returning({ id: telegramUnreachable.telegramUserId });
    if (marked.length) {
      await audit(tx, SYSTEM, {
        action: 'telegram.unreachable',
        entity: 'application',
        entityId: input.applicationId,
        reason: input.reason,
        data: { notificationId: attempt.id, error: input.error.slice(0, 500) },
      });
      // The bot asks the parent to confirm their phone when they are back; unanswered, staff phone them.
      const applicantId = await applicantOfNotification(tx, attempt.id);
      if (applicantId !== null) await openContactCheck(tx, { applicantId, reason: 'undelivered', now: input.claimedAt, policy: input.policy, ask: false });
    }
    return true;
  });
}

/** Called only when the update's first statement saw the mark (bot/middlewares/session.ts). */
export async function clearUnreachable(db: Queryable, chatId: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [gone] = await tx
      .delete(telegramUnreachable)
      .where(eq(telegramUnreachable.telegramUserId, chatId))
      .returning({ reason: telegramUnreachable.reason, notificationId: telegramUnreachable.notificationId });
    if (!gone) return false;
    const [row] = gone.notificationId
      ? await tx.select({ applicationId: notifications.applicationId }).from(notifications).where(eq(notifications.id, gone.notificationId))
      : [];
    await audit(tx, { type: 'parent', id: null }, {
      action: 'telegram.reachable',
      entity: 'application',
      entityId: row?.applicationId ?? null,
      reason: gone.reason,
    });
    return true;
  });
}

export async function unreachableOfApplication(db: Queryable, applicationId: number): Promise<Unreachable | null> {
  const [last] = await db
    .select({ chatId: notifications.chatId })
    .from(notifications)
    .where(and(eq(notifications.applicationId, applicationId), isNotNull(notifications.chatId)))
    .orderBy(desc(notifications.id))
    .limit(1);
  if (!last?.chatId) return null;
  const [mark] = await db
    .select({ reason: telegramUnreachable.reason, since: telegramUnreachable.since })
    .from(telegramUnreachable)
    .where(eq(telegramUnreachable.telegramUserId, last.chatId));
  return mark ?? null;
}

/**
 * Join condition of a marked chat and its undelivered messages: the one that was refused and
 * those withheld after it (the panel's list of parents to phone).
 */
export function undeliveredToMarkedChat(): SQL {
  return and(
    eq(notifications.chatId, telegramUnreachable.telegramUserId),
    eq(notifications.status, 'failed'),
    gte(notifications.claimedAt, telegramUnreachable.since),
  )!;
}
