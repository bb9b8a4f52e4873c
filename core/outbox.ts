/**
 * The notification outbox as a worker sees it (the rows are written by core with the change
 * that causes them, core/notifications.ts). A row moves pending → sending → sent | failed.
 *
 * Exactly once, and what happens on a crash:
 *  - claiming is one statement: rows due are locked FOR UPDATE SKIP LOCKED and set to
 *    'sending' (claimed_at, attempts + 1), so two workers never take the same row;
 *  - the worker sends, then marks the row 'sent' (or 'failed', or back to 'pending' later);
 *  - a worker that dies after claiming leaves the row in 'sending'. Whether the message went
 *    out is then unknown. After `staleAfter` such a row is put back to 'pending' with
 *    last_error 'uncertain: …' and sent again with a visible note that it may repeat an earlier
 *    message. A network error while sending is treated the same way. So a parent may, rarely,
 *    get a message twice, but never silently, and never miss one because of a crash: missing
 *    an offer costs a place, a marked repeat costs nothing.
 */
import { and, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client.ts';
import { notifications } from '../db/schema/index.ts';

export type Language = 'kk' | 'ru';

export interface OutboxItem {
  id: number;
  applicantId: number;
  applicationId: number | null;
  kind: string;
  params: Record<string, string | number | null>;
  /** Including this one. */
  attempts: number;
  /** The Telegram chat (= user id of a private chat) to deliver to, or null when the parent has none. */
  chatId: number | null;
  language: Language;
  /** An earlier attempt may have reached the parent: the message says it may be a repeat. */
  uncertain: boolean;
}

export const UNCERTAIN = 'uncertain: ';

/** Restricts a worker to some applicants' rows (sharding workers; tests sharing a database). */
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
  params: Record<string, string | number | null> | string;
  attempts: number;
  last_error: string | null;
  language: Language;
  chat_id: number | string | null;
}

/**
 * Takes up to `limit` due rows for this worker. The recipient is the account closest to the
 * application: its representative, the account that submitted it, the applicant's own account,
 * then an account staff linked to the applicant.
 */
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
      order by due_at, id
      limit ${opts.limit}
      for update skip locked
    ), claimed as (
      update notifications n set status = 'sending', attempts = n.attempts + 1, claimed_at = ${now}::timestamptz
      from due where n.id = due.id
      returning n.id, n.applicant_id, n.application_id, n.kind, n.params, n.attempts, n.last_error
    )
    select c.*, p.language,
      coalesce(
        (select r.telegram_user_id from applications a join representatives r on r.id = a.representative_id
          where a.id = c.application_id),
        (select t.telegram_user_id from application_telegram_links t where t.application_id = c.application_id
          order by t.id desc limit 1),
        p.telegram_user_id,
        (select l.telegram_user_id from applicant_telegram_links l where l.applicant_id = c.applicant_id
          order by l.id desc limit 1)
      ) as chat_id
    from claimed c join applicants p on p.id = c.applicant_id
    order by c.id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    applicantId: r.applicant_id,
    applicationId: r.application_id,
    kind: r.kind,
    params: typeof r.params === 'string' ? (JSON.parse(r.params) as OutboxItem['params']) : r.params,
    attempts: r.attempts,
    chatId: r.chat_id === null ? null : Number(r.chat_id),
    language: r.language,
    uncertain: r.last_error?.startsWith(UNCERTAIN) ?? false,
  }));
}

export async function markSent(db: Queryable, id: number, now: Date = new Date()): Promise<void> {
  await db
    .update(notifications)
    .set({ status: 'sent', sentAt: now, lastError: null })
    .where(and(eq(notifications.id, id), inArray(notifications.status, ['sending', 'pending'])));
}

/** Final: Telegram refused for good (the parent blocked the bot, no chat) or attempts ran out. */
export async function markFailed(db: Queryable, id: number, error: string): Promise<void> {
  await db
    .update(notifications)
    .set({ status: 'failed', lastError: error.slice(0, 1000) })
    .where(and(eq(notifications.id, id), eq(notifications.status, 'sending')));
}

/** Back to pending, due after `delayMs`; `uncertain` when the message may have gone out. */
export async function retryLater(
  db: Queryable,
  id: number,
  opts: { error: string; uncertain: boolean; delayMs: number; now?: Date },
): Promise<void> {
  const now = opts.now ?? new Date();
  await db
    .update(notifications)
    .set({
      status: 'pending',
      dueAt: new Date(now.getTime() + opts.delayMs),
      lastError: `${opts.uncertain ? UNCERTAIN : ''}${opts.error}`.slice(0, 1000),
    })
    .where(and(eq(notifications.id, id), eq(notifications.status, 'sending')));
}

/** Rows a dead worker left in 'sending' before `claimedBefore` go back to pending, marked uncertain. */
export async function requeueStale(db: Queryable, claimedBefore: Date, scope?: OutboxScope): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ status: 'pending', lastError: `${UNCERTAIN}worker stopped between claiming and confirming the send` })
    .where(
      and(
        eq(notifications.status, 'sending'),
        lt(notifications.claimedAt, claimedBefore),
        scope ? inArray(notifications.applicantId, scope.applicantIds.length ? scope.applicantIds : [-1]) : undefined,
      ),
    )
    .returning({ id: notifications.id });
  return rows.length;
}
