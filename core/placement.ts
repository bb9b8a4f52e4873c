/** Next in queue: who gets a seat that is free now, by hand or when an offer lapses. */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf, type Queryable } from '../db/client.ts';
import { applications, queues } from '../db/schema/index.ts';
import { SYSTEM, type Actor } from './audit.ts';
import { NotFoundError, RuleError } from './errors.ts';
import type { JobHandler } from './jobs.ts';
import type { Policy } from './policy.ts';
import { nextList, type QueueList } from './queue.ts';
import { assertNotFrozen, createOffers, SEAT_FREED_JOB, type Referral } from './referrals.ts';
import { lockGroups } from './seats.ts';

interface Candidate {
  id: number;
  twin_group_id: number | null;
}

/**
 * Next in queue: the group's free seat goes to the first child, in the queue's merged order,
 * among those waiting who ranked this kindergarten and are not on the stop list. Twins are
 * offered together, or passed over if the group has fewer seats than twins. `exclude`: children
 * not to offer this seat (the one who just gave it up), with their twins.
 */
export async function offerNextInQueue(
  db: Queryable,
  input: {
    groupId: number;
    actor: Actor;
    policy: Policy;
    now?: Date;
    exclude?: number[];
    /** Recorded on the offer's audit rows (why the system made it). */
    reason?: string;
    data?: Record<string, unknown>;
  },
): Promise<{ referrals: Referral[]; skipped: { applicationId: number; reason: string }[] }> {
  const now = input.now ?? new Date();
  assertNotFrozen(now, input.policy);
  return db.transaction(async (tx) => {
    const seats = (await lockGroups(tx, [input.groupId])).get(input.groupId);
    if (!seats) throw new NotFoundError('group', input.groupId);
    if (seats.free <= 0) throw new RuleError('no_free_seats');
    const [queue] = await tx
      .select()
      .from(queues)
      .where(and(eq(queues.districtId, seats.districtId), eq(queues.birthYear, seats.birthYear), eq(queues.language, seats.language)));
    if (!queue) throw new RuleError('nobody_waiting');
    const skipped: { applicationId: number; reason: string }[] = [];
    const excluded: number[] = [...(input.exclude ?? [])];
    const passedOver = new Set(input.exclude);
    for (let attempt = 0; attempt < 50; attempt++) {
      const first = async (list: QueueList) => {
        const [row] = await rowsOf<Candidate>(
          tx,
          sql`select id, twin_group_id from applications
              where status = 'registered' and queue_id = ${queue.id} and queue_category = ${list}
                and ${seats.kindergartenId} = any(kindergarten_ids)
                and (stop_until is null or stop_until <= ${now.toISOString()}::timestamptz)
                ${excluded.length ? sql`and id not in (${sql.join(excluded.map((id) => sql`${id}`), sql`, `)})` : sql``}
              order by registered_at, id limit 1
              for update skip locked`,
        );
        return row ?? null;
      };
      const heads = [await first(0), await first(1), await first(2)] as const;
      const list = nextList(
        { e: heads[0] ? 1 : 0, b: heads[1] ? 1 : 0, g: heads[2] ? 1 : 0 },
        queue.phase,
        input.policy.generalPerBeneficiary,
      );
      if (list === null) throw new RuleError('nobody_waiting');
      const child = heads[list]!;
      const ids = [child.id];
      if (child.twin_group_id !== null) {
        const twins = await tx
          .select({ id: applications.id })
          .from(applications)
          .where(
            and(
              eq(applications.twinGroupId, child.twin_group_id),
              eq(applications.queueId, queue.id),
              eq(applications.status, 'registered'),
            ),
          )
          .for('update');
        // The twin group includes the child itself.
        ids.splice(0, ids.length, ...new Set([child.id, ...twins.map((t) => t.id)]));
      }
      if (ids.some((id) => passedOver.has(id))) {
        excluded.push(...ids);
        continue;
      }
      if (ids.length > seats.free) {
        for (const id of ids) skipped.push({ applicationId: id, reason: 'twins_need_more_seats' });
        excluded.push(...ids);
        continue;
      }
      const created = await createOffers(tx, [{ applicationIds: ids, groupId: input.groupId }], {
        actor: input.actor,
        policy: input.policy,
        now,
        ...(input.reason ? { reason: input.reason } : {}),
        ...(input.data ? { data: input.data } : {}),
      });
      return { referrals: created, skipped };
    }
    throw new RuleError('nobody_waiting');
  });
}

const seatFreedPayload = z.object({
  groupId: z.number().int(),
  referralId: z.number().int(),
  applicationIds: z.array(z.number().int()),
});

/** Why a freed seat may stay free: taken meanwhile, nobody who ranked it waits, or the August freeze. */
const NOTHING_TO_OFFER = new Set(['no_free_seats', 'nobody_waiting', 'freeze']);

/**
 * A seat freed by a declined or lapsed offer or referral (core/referrals.ts passSeatOn) goes
 * to the next child by the rule of offerNextInQueue, made by the system. The policy is read
 * when the job runs, so a region that turns it off stops pending ones too.
 */
export function placementJobs(policy: () => Policy): Record<string, JobHandler> {
  return {
    [SEAT_FREED_JOB]: async (tx, job, now) => {
      const current = policy();
      if (!current.offerFreedSeats) return;
      const payload = seatFreedPayload.parse(job.payload);
      try {
        await offerNextInQueue(tx, {
          groupId: payload.groupId,
          actor: SYSTEM,
          policy: current,
          now,
          exclude: payload.applicationIds,
          reason: 'seat_freed',
          data: { freedReferralId: payload.referralId },
        });
      } catch (error) {
        if (error instanceof RuleError && NOTHING_TO_OFFER.has(error.code)) return;
        // The kindergarten was closed meanwhile: its seats are offered to nobody.
        if (error instanceof NotFoundError && error.entity === 'group') return;
        throw error;
      }
    },
  };
}
