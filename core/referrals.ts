import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { bulkInsert, type Queryable, type Tx } from '../db/client.ts';
import { applications, groups, kindergartens, referrals } from '../db/schema/index.ts';
import { audit, SYSTEM, type Actor } from './audit.ts';
import { addCalendarDays, isInRange, localDate, startOfLocalDay } from './calendar.ts';
import { addWorkingDays, previousWorkingDay } from './working-days.ts';
import { formatMonthDay } from './format.ts';
import { IllegalTransitionError, NotFoundError, RuleError, ValidationError } from './errors.ts';
import { scheduleJobs, type JobHandler, type ScheduleInput } from './jobs.ts';
import { signReferralRecord } from './document-data.ts';
import { enqueueNotification } from './notifications.ts';
import type { Policy } from './policy.ts';
import type { SigningKey } from './signing.ts';
import { transition, transitionMany } from './status.ts';

/** SPEC "Referral windows". */
export type Referral = typeof referrals.$inferSelect;
export const LIVE_REFERRAL = ['offered', 'issued'] as const;

export function assertNotFrozen(now: Date, policy: Policy): void {
  if (isInRange(localDate(now), policy.freeze.from, policy.freeze.to)) {
    throw new RuleError('freeze', { from: formatMonthDay(policy.freeze.from), to: formatMonthDay(policy.freeze.to) });
  }
}

export function deadlineOf(r: Pick<Referral, 'status' | 'confirmBy' | 'presentBy' | 'extendedUntil'>): Date | null {
  if (r.status === 'offered') return r.confirmBy;
  if (r.status === 'issued') return r.extendedUntil ?? r.presentBy;
  return null;
}

/** Reminder at 10:00 Almaty on the working day(s) before the deadline's day; null if that is already past. */
export function reminderTime(deadline: Date, now: Date, policy: Policy): Date | null {
  let day = localDate(deadline);
  for (let i = 0; i < policy.reminderWorkingDaysBefore; i++) day = previousWorkingDay(day);
  const at = new Date(startOfLocalDay(day).getTime() + 10 * 3_600_000);
  return at > now ? at : null;
}

function deadlineJobs(referral: Pick<Referral, 'id' | 'status' | 'confirmBy' | 'presentBy' | 'extendedUntil'>, now: Date, policy: Policy): ScheduleInput[] {
  const deadline = deadlineOf(referral);
  if (!deadline) return [];
  const stage = referral.status;
  const payload = { referralId: referral.id, stage, deadline: deadline.toISOString() };
  const out: ScheduleInput[] = [
    { kind: 'referral.expire', payload, runAt: new Date(deadline.getTime() + 1), dedupeKey: `referral:${referral.id}:expire` },
  ];
  const remindAt = reminderTime(deadline, now, policy);
  if (remindAt) out.push({ kind: 'referral.remind', payload, runAt: remindAt, dedupeKey: `referral:${referral.id}:remind:${stage}` });
  return out;
}

export interface OfferInput {
  /** Twins share one group and are offered together. */
  applicationIds: number[];
  groupId: number;
}

/** In the order places are handed out (it moves each queue's phase). The caller holds the groups' locks. */
export async function createOffers(
  tx: Tx,
  offers: OfferInput[],
  ctx: { actor: Actor; policy: Policy; now: Date; roundId?: number | null; reason?: string; data?: Record<string, unknown> },
): Promise<Referral[]> {
  if (offers.length === 0) return [];
  const confirmBy = addWorkingDays(ctx.now, ctx.policy.confirmWindowWorkingDays);
  const groupIds = [...new Set(offers.map((o) => o.groupId))];
  const places = await tx
    .select({ groupId: groups.id, number: kindergartens.number, nameKk: kindergartens.nameKk, nameRu: kindergartens.nameRu })
    .from(groups)
    .innerJoin(kindergartens, eq(kindergartens.id, groups.kindergartenId))
    .where(inArray(groups.id, groupIds));
  const placeOf = new Map(places.map((p) => [p.groupId, p]));
  const rows = offers.flatMap((o) =>
    o.applicationIds.map((applicationId) => ({
      applicationId,
      groupId: o.groupId,
      roundId: ctx.roundId ?? null,
      status: 'offered' as const,
      offeredAt: ctx.now,
      confirmBy,
      createdBy: ctx.actor.type === 'staff' ? ctx.actor.id : null,
    })),
  );
  const inserted = await bulkInsert(tx, referrals, rows, { returning: ['id'] });
  const created: Referral[] = await tx
    .select()
    .from(referrals)
    .where(inArray(referrals.id, inserted.map((r) => Number(r.id))))
    .orderBy(referrals.id);
  const byApp = new Map(created.map((r) => [r.applicationId, r]));
  await transitionMany(tx, {
    event: 'offer',
    actor: ctx.actor,
    reason: ctx.reason ?? null,
    policy: ctx.policy,
    now: ctx.now,
    items: rows.map((r) => {
      const place = placeOf.get(r.groupId);
      return {
        applicationId: r.applicationId,
        data: { ...ctx.data, referralId: byApp.get(r.applicationId)!.id, groupId: r.groupId, roundId: ctx.roundId ?? null },
        notify: {
          kindergarten: place?.number ?? null,
          kindergartenKk: place?.nameKk ?? null,
          kindergartenRu: place?.nameRu ?? null,
          deadline: localDate(confirmBy),
        },
      };
    }),
  });
  await scheduleJobs(tx, created.flatMap((r) => deadlineJobs(r, ctx.now, ctx.policy)));
  return created;
}

async function lockReferral(tx: Tx, referralId: number): Promise<Referral> {
  const [r] = await tx.select().from(referrals).where(eq(referrals.id, referralId)).for('update');
  if (!r) throw new NotFoundError('referral', referralId);
  return r;
}

async function placeOfGroup(tx: Queryable, groupId: number) {
  const [place] = await tx
    .select({ number: kindergartens.number, nameKk: kindergartens.nameKk, nameRu: kindergartens.nameRu, groupId: groups.id })
    .from(groups)
    .innerJoin(kindergartens, eq(kindergartens.id, groups.kindergartenId))
    .where(eq(groups.id, groupId));
  return place;
}

export interface ReferralAction {
  referralId: number;
  actor: Actor;
  policy: Policy;
  now?: Date;
  /** Required when staff act: what the parent (or the kindergarten) told them, and how. */
  onBehalf?: OnBehalf | null;
}

/** How a decision taken in the panel reached staff: the parent phoned, came in, wrote, or the kindergarten reported. */
export const DECISION_CHANNELS = ['phone', 'desk', 'written', 'kindergarten'] as const;
export type DecisionChannel = (typeof DECISION_CHANNELS)[number];

export interface OnBehalf {
  channel: DecisionChannel;
  reason: string;
  comment?: string | null;
}

function onBehalfData(actor: Actor, onBehalf: OnBehalf | null | undefined): { reason: string | null; data: Record<string, unknown> } {
  if (actor.type !== 'staff') return { reason: null, data: {} };
  const reason = onBehalf?.reason.trim() ?? '';
  const missing = [...(reason ? [] : ['reason']), ...(onBehalf && DECISION_CHANNELS.includes(onBehalf.channel) ? [] : ['channel'])];
  if (missing.length) throw new ValidationError(missing.map((field) => ({ field, code: 'required' })));
  const comment = onBehalf!.comment?.trim();
  return { reason, data: { channel: onBehalf!.channel, ...(comment ? { comment } : {}) } };
}

/** Issuing and extending change what a referral says: both sign it again (core/signing.ts). */
export type SignedReferralAction = ReferralAction & { signingKey: SigningKey };

export async function confirmOffer(db: Queryable, input: SignedReferralAction): Promise<Referral> {
  const now = input.now ?? new Date();
  const behalf = onBehalfData(input.actor, input.onBehalf);
  return db.transaction(async (tx) => {
    const r = await lockReferral(tx, input.referralId);
    if (r.status !== 'offered') throw new IllegalTransitionError(r.status, 'confirm');
    if (now > r.confirmBy) throw new RuleError('offer_expired', { deadline: localDate(r.confirmBy) });
    const presentBy = addWorkingDays(now, input.policy.presentWindowWorkingDays);
    const [issued] = await tx
      .update(referrals)
      .set({
        status: 'issued',
        issuedAt: now,
        presentBy,
        number: sql`to_char(${now.toISOString()}::timestamptz at time zone 'Asia/Almaty', 'YYYY') || '-' || lpad(nextval('referral_number_seq')::text, 6, '0')`,
      })
      .where(eq(referrals.id, r.id))
      .returning();
    const place = await placeOfGroup(tx, r.groupId);
    await transition(tx, {
      applicationId: r.applicationId,
      event: 'confirm',
      actor: input.actor,
      policy: input.policy,
      now,
      reason: behalf.reason,
      data: { referralId: r.id, referralNumber: issued!.number, ...behalf.data },
      notify: { referral: issued!.number, kindergarten: place?.number ?? null, deadline: localDate(presentBy) },
    });
    await scheduleJobs(tx, deadlineJobs(issued!, now, input.policy));
    const signature = await signReferralRecord(tx, r.id, input.signingKey);
    return { ...issued!, signature };
  });
}

export async function declineOffer(db: Queryable, input: ReferralAction): Promise<Referral> {
  const now = input.now ?? new Date();
  const behalf = onBehalfData(input.actor, input.onBehalf);
  return db.transaction(async (tx) => {
    const r = await lockReferral(tx, input.referralId);
    if (r.status !== 'offered') throw new IllegalTransitionError(r.status, 'decline');
    const [declined] = await tx.update(referrals).set({ status: 'declined', closedAt: now }).where(eq(referrals.id, r.id)).returning();
    await transition(tx, {
      applicationId: r.applicationId,
      event: 'decline',
      actor: input.actor,
      policy: input.policy,
      now,
      reason: behalf.reason,
      data: { referralId: r.id, ...behalf.data },
    });
    await passSeatOn(tx, r, now, input.policy);
    return declined!;
  });
}

/** Called before the withdrawal's transition so the referral is locked before the application, as the deadline job does. */
export async function declineLiveReferral(tx: Tx, input: { applicationId: number; actor: Actor; policy: Policy; now: Date }): Promise<void> {
  const [r] = await tx
    .select()
    .from(referrals)
    .where(and(eq(referrals.applicationId, input.applicationId), inArray(referrals.status, [...LIVE_REFERRAL])))
    .for('update');
  if (!r) return;
  await tx.update(referrals).set({ status: 'declined', closedAt: input.now }).where(eq(referrals.id, r.id));
  await audit(tx, input.actor, {
    action: 'referral.decline',
    entity: 'referral',
    entityId: r.id,
    from: r.status,
    to: 'declined',
    reason: 'parent_request',
    data: { applicationId: r.applicationId, groupId: r.groupId },
    at: input.now,
  });
  await passSeatOn(tx, r, input.now, input.policy);
}

export async function extendReferral(
  db: Queryable,
  input: SignedReferralAction & { days: number; reason: string },
): Promise<Referral> {
  const now = input.now ?? new Date();
  if (input.actor.type !== 'staff') throw new IllegalTransitionError('issued', 'extend', 'actor_not_allowed');
  if (!input.reason) throw new IllegalTransitionError('issued', 'extend', 'reason_required');
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > input.policy.maxExtensionCalendarDays) {
    throw new RuleError('extension_days', { count: input.policy.maxExtensionCalendarDays });
  }
  return db.transaction(async (tx) => {
    const r = await lockReferral(tx, input.referralId);
    if (r.status !== 'issued') throw new IllegalTransitionError(r.status, 'extend');
    if (r.extensions >= input.policy.maxExtensions) throw new RuleError('extension_used', { count: input.policy.maxExtensions });
    const extendedUntil = addCalendarDays(deadlineOf(r)!, input.days);
    const [extended] = await tx
      .update(referrals)
      .set({ extendedUntil, extensions: r.extensions + 1 })
      .where(eq(referrals.id, r.id))
      .returning();
    const [app] = await tx.select().from(applications).where(eq(applications.id, r.applicationId));
    await audit(tx, input.actor, {
      action: 'referral.extend',
      entity: 'referral',
      entityId: r.id,
      from: localDate(deadlineOf(r)!),
      to: localDate(extendedUntil),
      reason: input.reason,
      data: { applicationId: r.applicationId, days: input.days },
      at: now,
    });
    await audit(tx, input.actor, {
      action: 'application.referral_extended',
      entity: 'application',
      entityId: r.applicationId,
      reason: input.reason,
      data: { referralId: r.id, until: localDate(extendedUntil) },
      at: now,
    });
    await enqueueNotification(tx, {
      applicantId: app!.applicantId,
      applicationId: app!.id,
      kind: 'referral_extended',
      params: { number: app!.number, referral: r.number, deadline: localDate(extendedUntil) },
    });
    await scheduleJobs(tx, deadlineJobs(extended!, now, input.policy));
    const signature = await signReferralRecord(tx, r.id, input.signingKey);
    return { ...extended!, signature };
  });
}

export async function enrolReferral(db: Queryable, input: ReferralAction): Promise<Referral> {
  const now = input.now ?? new Date();
  const behalf = onBehalfData(input.actor, input.onBehalf);
  return db.transaction(async (tx) => {
    const r = await lockReferral(tx, input.referralId);
    if (r.status !== 'issued') throw new IllegalTransitionError(r.status, 'enrol');
    const [enrolled] = await tx.update(referrals).set({ status: 'enrolled', closedAt: now }).where(eq(referrals.id, r.id)).returning();
    await tx
      .update(groups)
      .set({ enrolled: sql`${groups.enrolled} + 1` })
      .where(eq(groups.id, r.groupId));
    await transition(tx, {
      applicationId: r.applicationId,
      event: 'enrol',
      actor: input.actor,
      policy: input.policy,
      now,
      reason: behalf.reason,
      data: { referralId: r.id, referralNumber: r.number, ...behalf.data },
    });
    return enrolled!;
  });
}

async function lapse(tx: Tx, r: Referral, now: Date, policy: Policy): Promise<void> {
  await tx.update(referrals).set({ status: 'lapsed', closedAt: now }).where(eq(referrals.id, r.id));
  const reason = r.status === 'offered' ? 'confirm_window_passed' : 'present_window_passed';
  await transition(tx, {
    applicationId: r.applicationId,
    event: policy.onLapse === 'queue' ? 'lapse' : 'remove',
    actor: SYSTEM,
    reason,
    policy,
    now,
    data: { referralId: r.id },
  });
  await passSeatOn(tx, r, now, policy);
}

/** The job that offers a freed seat to the next child in queue (core/placement.ts placementJobs). */
export const SEAT_FREED_JOB = 'seat.freed';

/** A job, so a decline or lapse never fails because of the next child. */
async function passSeatOn(tx: Tx, r: Referral, now: Date, policy: Policy): Promise<void> {
  if (!policy.offerFreedSeats) return;
  await scheduleJobs(tx, [
    {
      kind: SEAT_FREED_JOB,
      payload: { groupId: r.groupId, referralId: r.id, applicationIds: [r.applicationId] },
      runAt: now,
      dedupeKey: `referral:${r.id}:seat`,
    },
  ]);
}

/** Job handlers of the referral's life; the state is re-read, so a moved deadline makes a job a no-op. */
const deadlinePayload = z.object({ referralId: z.number().int(), stage: z.enum(['offered', 'issued']) });

export function referralJobs(policy: () => Policy): Record<string, JobHandler> {
  return {
    'referral.expire': async (tx, job, now) => {
      const r = await lockReferral(tx, deadlinePayload.parse(job.payload).referralId);
      const deadline = deadlineOf(r);
      if (!deadline || now <= deadline) return;
      await lapse(tx, r, now, policy());
    },
    'referral.remind': async (tx, job, now) => {
      const payload = deadlinePayload.parse(job.payload);
      const r = await lockReferral(tx, payload.referralId);
      const deadline = deadlineOf(r);
      if (!deadline || r.status !== payload.stage || now > deadline) return;
      const [app] = await tx.select().from(applications).where(eq(applications.id, r.applicationId));
      const place = await placeOfGroup(tx, r.groupId);
      await enqueueNotification(tx, {
        applicantId: app!.applicantId,
        applicationId: app!.id,
        kind: `reminder_${r.status}`,
        params: { number: app!.number, referral: r.number, kindergarten: place?.number ?? null, deadline: localDate(deadline) },
        dedupeKey: `reminder:${r.id}:${r.status}:${deadline.toISOString()}`,
      });
    },
  };
}

export async function liveReferralOf(db: Queryable, applicationId: number): Promise<Referral | null> {
  const [r] = await db
    .select()
    .from(referrals)
    .where(and(eq(referrals.applicationId, applicationId), inArray(referrals.status, [...LIVE_REFERRAL])));
  return r ?? null;
}
