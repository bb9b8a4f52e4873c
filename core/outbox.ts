/**
 * Rows move pending → claimed → sending → sent | failed. A claim is a lease: a dead worker's rows
 * go back to pending. One that had reached 'sending' may have been delivered, so it is sent again
 * with a note that it may repeat: a marked repeat costs nothing, a missed offer costs a place.
 * Every write names the attempt it holds, so a worker whose lease was taken cannot overwrite it.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client.ts';
import { notifications } from '../db/schema/index.ts';

import type { Language } from '../locales/languages.ts';

export type { Language };

export interface Attempt {
  id: number;
  attempts: number;
}

export interface OutboxItem extends Attempt {
  applicantId: number;
  applicationId: number | null;
  kind: string;
  priority: number;
  params: Record<string, string | number | null>;
  chatId: number | null;
  /** The chat is marked unreachable (core/unreachable.ts): nothing is sent there. */
  unreachable: boolean;
  language: Language;
  /** An earlier attempt may have reached the parent: the message says it may be a repeat. */
  uncertain: boolean;
}

export interface OutboxScope {
  applicantIds: number[];
}

function scopeSql(scope: OutboxScope | undefined): SQL {
  if (!scope) return sql``;
  if (scope.applicantIds.length === 0) return sql`and false`;
  return sql`and applicant_id in (${sql.join(scope.applicantIds.map((id) => sql`${id}`), sql`, `)})`;
}

interface ClaimRow {
  id: number | string;
  applicant_id: number;
  application_id: number | null;
  kind: string;
  priority: number;
  params: Record<string, string | number | null> | string;
  attempts: number;
  maybe_delivered: boolean;
  language: Language;
  chat_id: number | string | null;
  unreachable: boolean;
}

/** The recipient: the representative, the submitting account, the applicant's own, then a staff-linked one. */
export async function claimNotifications(
  db: Queryable,
  opts: { limit: number; now?: Date; scope?: OutboxScope },
): Promise<OutboxItem[]> {
  const now = (opts.now ?? new Date()).toISOString();
  const rows = await rowsOf<ClaimRow>(
    db,
    sql`
    with due as (
      select id from notifications
      where status = 'pending' and due_at <= ${now}::timestamptz ${scopeSql(opts.scope)}
      order by priority desc, due_at, id
      limit ${opts.limit}
      for update skip locked
    ), claimed as (
      update notifications n set status = 'claimed', attempts = n.attempts + 1, claimed_at = ${now}::timestamptz
      from due where n.id = due.id
      returning n.id, n.applicant_id, n.application_id, n.kind, n.priority, n.due_at, n.params, n.attempts, n.maybe_delivered
    )
    select c.id, c.applicant_id, c.application_id, c.kind, c.priority, c.params, c.attempts, c.maybe_delivered, p.language, r.chat_id,
      exists (select 1 from telegram_unreachable u where u.telegram_user_id = r.chat_id) as unreachable
    from claimed c join applicants p on p.id = c.applicant_id
    cross join lateral (select coalesce(
        (select r.telegram_user_id from applications a join representatives r on r.id = a.representative_id
          where a.id = c.application_id),
        (select t.telegram_user_id from application_telegram_links t where t.application_id = c.application_id
          order by t.id desc limit 1),
        p.telegram_user_id,
        (select l.telegram_user_id from applicant_telegram_links l where l.applicant_id = c.applicant_id
          order by l.id desc limit 1)
      ) as chat_id) r
    order by c.priority desc, c.due_at, c.id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    applicantId: r.applicant_id,
    applicationId: r.application_id,
    kind: r.kind,
    priority: r.priority,
    params: typeof r.params === 'string' ? (JSON.parse(r.params) as OutboxItem['params']) : r.params,
    attempts: r.attempts,
    chatId: r.chat_id === null ? null : Number(r.chat_id),
    unreachable: r.unreachable,
    language: r.language,
    uncertain: r.maybe_delivered,
  }));
}

const held = (a: Attempt, ...statuses: ('claimed' | 'sending')[]) =>
  and(eq(notifications.id, a.id), eq(notifications.attempts, a.attempts), inArray(notifications.status, statuses));

/** From here the outcome may be unknown. False when another worker took the row (lease expired). */
export async function markSending(db: Queryable, a: Attempt, chatId: number): Promise<boolean> {
  const rows = await db
    .update(notifications)
    .set({ status: 'sending', chatId })
    .where(held(a, 'claimed'))
    .returning({ id: notifications.id });
  return rows.length > 0;
}

export async function markSent(db: Queryable, a: Attempt, now: Date = new Date()): Promise<boolean> {
  const rows = await db
    .update(notifications)
    .set({ status: 'sent', sentAt: now, lastError: null, maybeDelivered: false })
    .where(held(a, 'sending'))
    .returning({ id: notifications.id });
  return rows.length > 0;
}

export async function markFailed(db: Queryable, a: Attempt, error: string, chatId?: number | null): Promise<boolean> {
  const rows = await db
    .update(notifications)
    .set({ status: 'failed', lastError: error.slice(0, 1000), ...(chatId !== undefined ? { chatId } : {}) })
    .where(held(a, 'claimed', 'sending'))
    .returning({ id: notifications.id });
  return rows.length > 0;
}

/** An earlier attempt's doubt is kept either way. */
export async function retryLater(
  db: Queryable,
  a: Attempt,
  opts: { error: string; maybeDelivered: boolean; delayMs: number; now?: Date },
): Promise<boolean> {
  const now = opts.now ?? new Date();
  const rows = await db
    .update(notifications)
    .set({
      status: 'pending',
      dueAt: new Date(now.getTime() + opts.delayMs),
      lastError: opts.error.slice(0, 1000),
      ...(opts.maybeDelivered ? { maybeDelivered: true } : {}),
    })
    .where(held(a, 'claimed', 'sending'))
    .returning({ id: notifications.id });
  return rows.length > 0;
}

export async function renewLeases(db: Queryable, attempts: Attempt[], now: Date = new Date()): Promise<void> {
  if (attempts.length === 0) return;
  const pairs = sql.join(attempts.map((a) => sql`(${a.id}::bigint, ${a.attempts}::smallint)`), sql`, `);
  await db.execute(
    sql`update notifications set claimed_at = ${now.toISOString()}::timestamptz
        where (id, attempts) in (${pairs}) and status in ('claimed', 'sending')`,
  );
}

/** Rows that had reached 'sending' are marked as possible repeats. */
export async function expireLeases(
  db: Queryable,
  claimedBefore: Date,
  scope?: OutboxScope,
): Promise<{ claimed: number; sending: number }> {
  const rows = await rowsOf<{ was: 'claimed' | 'sending' }>(
    db,
    sql`
    with expired as (
      select id, status from notifications
      where status in ('claimed', 'sending') and claimed_at < ${claimedBefore.toISOString()}::timestamptz ${scopeSql(scope)}
      for update skip locked
    )
    update notifications n set
      status = 'pending',
      maybe_delivered = n.maybe_delivered or expired.status = 'sending',
      last_error = case when expired.status = 'sending'
        then 'lease expired after the request was sent: outcome unknown'
        else 'lease expired before the request was sent' end
    from expired where n.id = expired.id
    returning expired.status as was`,
  );
  return { claimed: rows.filter((r) => r.was === 'claimed').length, sending: rows.filter((r) => r.was === 'sending').length };
}
