import { and, eq, inArray, sql } from 'drizzle-orm';
import { bulkInsert, chunked, type Queryable } from '../db/client.ts';
import { notifications } from '../db/schema/index.ts';

export interface NotificationInput {
  applicantId: number;
  applicationId?: number | null;
  kind: string;
  params?: Record<string, string | number | null>;
  /** The same key is enqueued once, however often the cause repeats. */
  dedupeKey?: string;
  dueAt?: Date;
}

/**
 * Kinds that carry a deadline the parent must act on (an offered place, a referral to hand in,
 * their reminders): the outbox sends them before informational ones.
 */
export const TIME_CRITICAL_KINDS: ReadonlySet<string> = new Set(['status_offer', 'status_confirm', 'reminder_offered', 'reminder_issued']);

export const priorityOf = (kind: string): number => (TIME_CRITICAL_KINDS.has(kind) ? 1 : 0);

export async function enqueueNotification(tx: Queryable, n: NotificationInput): Promise<void> {
  await enqueueNotifications(tx, [n]);
}

export async function enqueueNotifications(tx: Queryable, list: NotificationInput[]): Promise<void> {
  const now = new Date();
  // A parent reads their messages in the order things happened: what is still waiting about the
  // same application goes out with the time-critical one, not after it.
  const urgent = [...new Set(list.filter((n) => priorityOf(n.kind) > 0 && n.applicationId).map((n) => n.applicationId!))];
  for (const ids of chunked(urgent)) {
    await tx
      .update(notifications)
      .set({ priority: 1 })
      .where(and(inArray(notifications.applicationId, ids), eq(notifications.status, 'pending'), eq(notifications.priority, 0)));
  }
  await bulkInsert(
    tx,
    notifications,
    list.map((n) => ({
      applicantId: n.applicantId,
      applicationId: n.applicationId ?? null,
      kind: n.kind,
      priority: priorityOf(n.kind),
      params: n.params ?? {},
      dedupeKey: n.dedupeKey ?? null,
      dueAt: n.dueAt ?? now,
    })),
    { onConflict: sql`on conflict do nothing` },
  );
}
