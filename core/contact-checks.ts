/** Contacts that stay reachable (README). Nobody loses a place for not answering. */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { rowsOf, type Queryable, type Tx } from '../db/client.ts';
import { applicants, applications, contactChecks, jobs, notifications } from '../db/schema/index.ts';
import { audit, SYSTEM, type Actor } from './audit.ts';
import { addCalendarDays, localDate, startOfLocalDay } from './calendar.ts';
import { NotFoundError, RuleError } from './errors.ts';
import type { JobHandler } from './jobs.ts';
import { enqueueNotifications } from './notifications.ts';
import { visibleApplicationIds } from './parent-visibility.ts';
import { maskPhone } from './phone.ts';
import type { Policy } from './policy.ts';

export type ContactCheck = typeof contactChecks.$inferSelect;
export type ContactCheckReason = ContactCheck['reason'];

const ACTIVE = ['submitted', 'registered', 'offered', 'referred'] as const;

export const CONTACT_CHECK_KIND = 'contact_check';

export async function openCheckOf(db: Queryable, applicantId: number): Promise<ContactCheck | null> {
  const [row] = await db.select().from(contactChecks).where(and(eq(contactChecks.applicantId, applicantId), isNull(contactChecks.closedAt)));
  return row ?? null;
}

/** A chat Telegram refuses is asked when the parent writes again instead. */
export async function openContactCheck(
  tx: Queryable,
  input: { applicantId: number; reason: ContactCheckReason; now: Date; policy: Pick<Policy, 'contactCheckWindowDays'>; ask: boolean },
): Promise<ContactCheck | null> {
  const [row] = await tx
    .insert(contactChecks)
    .values({ applicantId: input.applicantId, reason: input.reason, askedAt: input.now, dueAt: addCalendarDays(input.now, input.policy.contactCheckWindowDays) })
    .onConflictDoNothing()
    .returning();
  if (!row) return null;
  await audit(tx, SYSTEM, { action: 'contact.check_opened', entity: 'applicant', entityId: input.applicantId, reason: input.reason, data: { checkId: row.id }, at: input.now });
  if (input.ask) await askInOutbox(tx, [row]);
  return row;
}

async function askInOutbox(tx: Queryable, checks: Pick<ContactCheck, 'id' | 'applicantId'>[]): Promise<void> {
  if (!checks.length) return;
  const phones = await tx
    .select({ id: applicants.id, phone: sql<string | null>`${applicants.phones}[1]` })
    .from(applicants)
    .where(inArray(applicants.id, checks.map((c) => c.applicantId)));
  const phoneOf = new Map(phones.map((p) => [p.id, p.phone]));
  await enqueueNotifications(
    tx,
    checks.map((c) => ({
      applicantId: c.applicantId,
      kind: CONTACT_CHECK_KIND,
      params: { checkId: c.id, phone: phoneOf.get(c.applicantId) ? maskPhone(phoneOf.get(c.applicantId)!) : null },
      dedupeKey: `${CONTACT_CHECK_KIND}:${c.id}`,
    })),
  );
}

export async function askYearly(
  tx: Tx,
  now: Date,
  policy: Pick<Policy, 'contactCheckWindowDays'>,
  /** Only these applicants (tests that share one database ask only their own). */
  scope?: { applicantIds: number[] },
): Promise<number> {
  const due = addCalendarDays(now, policy.contactCheckWindowDays);
  const only = scope ? sql`and p.id in (${sql.join([-1, ...scope.applicantIds].map((id) => sql`${id}`), sql`, `)})` : sql``;
  const opened = await rowsOf<{ id: number; applicant_id: number }>(
    tx,
    sql`insert into contact_checks (applicant_id, reason, asked_at, due_at)
        select distinct p.id, 'yearly', ${now.toISOString()}::timestamptz, ${due.toISOString()}::timestamptz
        from applications a join applicants p on p.id = a.applicant_id
        where a.status in ('submitted', 'registered', 'offered', 'referred') and p.telegram_user_id is not null ${only}
        on conflict do nothing
        returning id, applicant_id`,
  );
  await askInOutbox(tx, opened.map((r) => ({ id: r.id, applicantId: r.applicant_id })));
  await audit(tx, SYSTEM, { action: 'contact.yearly_check', entity: 'policy', reason: 'yearly', data: { asked: opened.length }, at: now });
  return opened.length;
}

export const YEARLY_JOB = 'contact-check.yearly';

export function nextYearlyCheck(now: Date, policy: Pick<Policy, 'contactCheckDate'>): { kind: string; payload: Record<string, unknown>; runAt: Date; dedupeKey: string } {
  const today = localDate(now);
  const { month, day } = policy.contactCheckDate;
  const on = (year: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const year = Number(today.slice(0, 4));
  const date = on(year) >= today ? on(year) : on(year + 1);
  // Ten in the morning: a question at night would be rude.
  return { kind: YEARLY_JOB, payload: { date }, runAt: new Date(startOfLocalDay(date).getTime() + 10 * 3_600_000), dedupeKey: `${YEARLY_JOB}:${date}` };
}

export async function scheduleYearlyContactCheck(db: Queryable, now: Date, policy: Pick<Policy, 'contactCheckDate'>): Promise<void> {
  const next = nextYearlyCheck(now, policy);
  await db.insert(jobs).values(next).onConflictDoNothing();
}

export function contactCheckJobs(policy: () => Policy): Record<string, JobHandler> {
  return {
    [YEARLY_JOB]: async (tx, _job, now) => {
      await askYearly(tx, now, policy());
      const next = nextYearlyCheck(addCalendarDays(now, 1), policy());
      await tx.insert(jobs).values(next).onConflictDoNothing();
    },
  };
}

export async function confirmContactByParent(db: Queryable, input: { checkId: number; telegramUserId: number; now?: Date }): Promise<void> {
  const now = input.now ?? new Date();
  await db.transaction(async (tx) => {
    const check = await ownCheck(tx, input.checkId, input.telegramUserId);
    await close(tx, check, 'confirmed', { type: 'parent', id: check.applicantId }, now);
  });
}

async function ownCheck(tx: Tx, checkId: number, telegramUserId: number): Promise<ContactCheck> {
  const [check] = await tx
    .select()
    .from(contactChecks)
    .where(
      and(
        eq(contactChecks.id, checkId),
        sql`exists (select 1 from applications a where a.applicant_id = ${contactChecks.applicantId} and a.id in ${visibleApplicationIds(telegramUserId)})`,
      ),
    )
    .for('update');
  if (!check) throw new NotFoundError('contact_check', checkId);
  if (check.closedAt) throw new RuleError('contact_check_closed');
  return check;
}

async function close(tx: Queryable, check: ContactCheck, outcome: NonNullable<ContactCheck['outcome']>, actor: Actor, now: Date): Promise<void> {
  await tx
    .update(contactChecks)
    .set({ closedAt: now, outcome, closedBy: actor.type === 'staff' ? actor.id : null })
    .where(eq(contactChecks.id, check.id));
  await audit(tx, actor, { action: 'contact.check_closed', entity: 'applicant', entityId: check.applicantId, from: 'open', to: outcome, reason: check.reason, data: { checkId: check.id }, at: now });
}

export async function closeCheckOnNewPhone(tx: Queryable, applicantId: number, actor: Actor, now: Date): Promise<void> {
  const [check] = await tx.select().from(contactChecks).where(and(eq(contactChecks.applicantId, applicantId), isNull(contactChecks.closedAt))).for('update');
  if (check) await close(tx, check, actor.type === 'staff' ? 'staff_changed' : 'changed', actor, now);
}

export async function openCheckForAccount(db: Queryable, telegramUserId: number): Promise<(ContactCheck & { phone: string | null; applicationId: number }) | null> {
  const [row] = await db
    .select({ check: contactChecks, phone: sql<string | null>`${applicants.phones}[1]`, applicationId: applications.id })
    .from(contactChecks)
    .innerJoin(applicants, eq(applicants.id, contactChecks.applicantId))
    .innerJoin(applications, eq(applications.applicantId, applicants.id))
    .where(and(isNull(contactChecks.closedAt), inArray(applications.status, [...ACTIVE]), sql`${applications.id} in ${visibleApplicationIds(telegramUserId)}`))
    .limit(1);
  return row ? { ...row.check, phone: row.phone, applicationId: row.applicationId } : null;
}

export type StaffCallOutcome = 'confirmed' | 'changed' | 'not_reached';

/** Never changes the application's place: withdrawing or refusing is a separate, audited decision. */
export async function recordStaffCall(
  db: Queryable,
  input: { applicationId: number; outcome: Exclude<StaffCallOutcome, 'changed'>; note: string; actor: Extract<Actor, { type: 'staff' }>; now?: Date },
): Promise<void> {
  const now = input.now ?? new Date();
  await db.transaction(async (tx) => {
    const [app] = await tx.select({ applicantId: applications.applicantId }).from(applications).where(eq(applications.id, input.applicationId));
    if (!app) throw new NotFoundError('application', input.applicationId);
    const [check] = await tx.select().from(contactChecks).where(and(eq(contactChecks.applicantId, app.applicantId), isNull(contactChecks.closedAt))).for('update');
    if (input.outcome === 'confirmed') {
      await tx.update(applicants).set({ phoneVerifiedAt: now }).where(eq(applicants.id, app.applicantId));
      if (check) await close(tx, check, 'staff_confirmed', input.actor, now);
    }
    await audit(tx, input.actor, {
      action: 'contact.call',
      entity: 'application',
      entityId: input.applicationId,
      to: input.outcome,
      reason: input.note,
      data: { checkId: check?.id ?? null },
      at: now,
    });
  });
}

export async function applicantOfNotification(tx: Queryable, notificationId: number): Promise<number | null> {
  const [row] = await tx.select({ applicantId: notifications.applicantId }).from(notifications).where(eq(notifications.id, notificationId));
  return row?.applicantId ?? null;
}
