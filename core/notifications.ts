import { sql } from 'drizzle-orm';
import { bulkInsert, type Queryable } from '../db/client.ts';
import { notifications } from '../db/schema/index.ts';

export interface NotificationInput {
  applicantId: number;
  applicationId?: number | null;
  /** Key under notifications.* in locales. */
  kind: string;
  params?: Record<string, string | number | null>;
  /** The same key is enqueued once, however often the cause repeats. */
  dedupeKey?: string;
  dueAt?: Date;
}

/** Writes to the outbox inside the caller's transaction; the bot's worker delivers it. */
export async function enqueueNotification(tx: Queryable, n: NotificationInput): Promise<void> {
  await enqueueNotifications(tx, [n]);
}

export async function enqueueNotifications(tx: Queryable, list: NotificationInput[]): Promise<void> {
  const now = new Date();
  await bulkInsert(
    tx,
    notifications,
    list.map((n) => ({
      applicantId: n.applicantId,
      applicationId: n.applicationId ?? null,
      kind: n.kind,
      params: n.params ?? {},
      dedupeKey: n.dedupeKey ?? null,
      dueAt: n.dueAt ?? now,
    })),
    { onConflict: sql`on conflict do nothing` },
  );
}
