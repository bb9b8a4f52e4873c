/**
 * Which applications a Telegram account may see. Every bot feature that touches an application
 * goes through here, so "a Telegram account only ever sees applications it submitted or was
 * linked to by staff" is one rule in one place.
 *
 * An account sees an application when
 *  - it is bound to the applicant (applicants.telegram_user_id), or staff linked it to the
 *    applicant (applicant_telegram_links): all that applicant's applications;
 *  - it is the representative who applied (representatives.telegram_user_id);
 *  - it submitted that application through the bot, or staff linked it to that application only
 *    (application_telegram_links).
 * A parent's IIN typed in the bot is a claim: the bot binds an account only to the applicant
 * record it made itself, so typing a known parent's IIN never reveals, nor changes, that
 * parent's record or applications.
 */
import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client.ts';
import { NotFoundError } from './errors.ts';

/** The ids of the applications a Telegram account may see, as a subquery (an id may repeat). */
export function visibleApplicationIds(telegramUserId: number | Placeholder): SQL {
  return sql`(
    select a.id from applications a join applicants p on p.id = a.applicant_id where p.telegram_user_id = ${telegramUserId}
    union all
    select a.id from applications a join applicant_telegram_links l on l.applicant_id = a.applicant_id where l.telegram_user_id = ${telegramUserId}
    union all
    select a.id from applications a join representatives r on r.id = a.representative_id where r.telegram_user_id = ${telegramUserId}
    union all
    select t.application_id from application_telegram_links t where t.telegram_user_id = ${telegramUserId}
  )`;
}

export async function canSeeApplication(db: Queryable, telegramUserId: number, applicationId: number): Promise<boolean> {
  const rows = await rowsOf<{ ok: number }>(
    db,
    sql`select 1 as ok where ${applicationId}::int in ${visibleApplicationIds(telegramUserId)}`,
  );
  return rows.length > 0;
}

/** Throws NotFoundError (not "forbidden": an account learns nothing about others' applications). */
export async function assertCanSee(db: Queryable, telegramUserId: number, applicationId: number): Promise<void> {
  if (!(await canSeeApplication(db, telegramUserId, applicationId))) throw new NotFoundError('application', applicationId);
}

/** The applicants a Telegram account speaks for, as a subquery: bound to it, or linked to it by staff. */
export function boundApplicantIds(telegramUserId: number): SQL {
  return sql`(
    select p.id from applicants p where p.telegram_user_id = ${telegramUserId}
    union all
    select l.applicant_id from applicant_telegram_links l where l.telegram_user_id = ${telegramUserId}
  )`;
}
