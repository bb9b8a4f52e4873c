/**
 * Allocation rounds: staff preview who would get what in a district, then commit exactly that,
 * re-checked under locks.
 */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client.ts';
import { allocationRounds, applications, queues } from '../db/schema/index.ts';
import { deferredAcceptance, type Unit } from './allocation.ts';
import { audit, type Actor } from './audit.ts';
import { NotFoundError, RuleError } from './errors.ts';
import type { Policy } from './policy.ts';
import type { QueueList } from './queue.ts';
import { assertNotFrozen, createOffers, type Referral } from './referrals.ts';
import { groupSeats, lockGroups } from './seats.ts';

export interface RoundOffer {
  applicationIds: number[];
  groupId: number;
  kindergartenId: number;
  queueId: number;
  /** Place in the queue's merged order at the time of the preview, 1-based. */
  rank: number;
  /** 1 = the child's first-ranked kindergarten. */
  choice: number;
}

export interface RoundPlan {
  seats: number;
  offers: RoundOffer[];
  /** Children ranked ahead of someone who got a place, who did not get one, and why. */
  skipped: { applicationId: number; queueId: number; rank: number | null; reason: 'no_seat_in_choices' | 'twins_need_more_seats' | 'stop_list' }[];
  /** After commit: offers dropped because something changed since the preview. */
  dropped?: { applicationIds: number[]; reason: string }[];
}

interface WaitingRow {
  id: number;
  list: number;
  registered_at: Date | string;
  kindergarten_ids: number[] | string;
  twin_group_id: number | null;
}

interface Child {
  applicationId: number;
  list: QueueList;
  registeredAt: Date;
  kindergartenIds: number[];
  twinGroupId: number | null;
}

const SKIPPED_LIMIT = 2000;
const PAGE = 2000;

const toChild = (w: WaitingRow): Child => ({
  applicationId: w.id,
  list: w.list as QueueList,
  registeredAt: new Date(w.registered_at),
  kindergartenIds: parseIntArray(w.kindergarten_ids),
  twinGroupId: w.twin_group_id,
});

/**
 * A queue's children who can get a place now (waiting, not on the stop list), in the merged
 * order of core/allocation.ts mergedOrder, read lazily page by page along the queue-order
 * index: a round stops reading once the queue's seats are gone, however long the queue.
 */
function mergedCursor(db: Queryable, queueId: number, phase: number, k: number, now: Date, firstPage: number, maxPage: number) {
  const lists = ([0, 1, 2] as const).map((list) => ({ list, buffer: [] as Child[], last: null as Child | null, done: false, page: firstPage }));
  const fill = async (l: (typeof lists)[number]) => {
    if (l.buffer.length || l.done) return;
    const after = l.last
      ? sql`and (registered_at, id) > (${l.last.registeredAt.toISOString()}::timestamptz, ${l.last.applicationId})`
      : sql``;
    const rows = await rowsOf<WaitingRow>(
      db,
      sql`select id, queue_category as list, registered_at, kindergarten_ids, twin_group_id from applications
          where status = 'registered' and queue_id = ${queueId} and queue_category = ${l.list}
            and (stop_until is null or stop_until <= ${now.toISOString()}::timestamptz) ${after}
          order by registered_at, id limit ${l.page}`,
    );
    l.buffer = rows.map(toChild);
    l.done = rows.length < l.page;
    // Most queues fill their seats from the first page; read further in growing pages.
    l.page = Math.min(l.page * 4, maxPage);
    l.last = l.buffer.at(-1) ?? l.last;
  };
  let p = phase;
  return async function next(): Promise<Child | null> {
    const [e, b, g] = lists as [(typeof lists)[0], (typeof lists)[0], (typeof lists)[0]];
    await fill(e);
    if (e.buffer.length) return e.buffer.shift()!;
    await fill(b);
    await fill(g);
    if ((p < k || !b.buffer.length) && g.buffer.length) {
      p = Math.min(p + 1, k);
      return g.buffer.shift()!;
    }
    if (b.buffer.length) {
      p = 0;
      return b.buffer.shift()!;
    }
    return null;
  };
}

/**
 * Who would get what in a district now. Children propose to their ranked kindergartens'
 * groups in queue order and groups keep the best-ranked (deferred acceptance, core/allocation.ts);
 * because every group of a queue ranks children by that queue's order, running it page by page
 * over the merged order gives the same matching as over the whole queue at once.
 */
export async function planRound(db: Queryable, districtId: number, policy: Policy, now: Date, pageSize = PAGE): Promise<RoundPlan> {
  const seatRows = (await groupSeats(db, { districtId })).filter((g) => g.free > 0);
  const seatCount = seatRows.reduce((s, g) => s + g.free, 0);
  if (seatRows.length === 0) return { seats: 0, offers: [], skipped: [] };
  const queueRows = await db.select().from(queues).where(eq(queues.districtId, districtId)).orderBy(asc(queues.id));
  const offers: RoundOffer[] = [];
  const skipped: RoundPlan['skipped'] = [];
  for (const queue of queueRows) {
    const groupsOfQueue = seatRows.filter((g) => g.birthYear === queue.birthYear && g.language === queue.language);
    if (groupsOfQueue.length === 0) continue;
    const left = new Map(groupsOfQueue.map((g) => [g.groupId, g.free]));
    const groupsOf = new Map<number, number[]>();
    for (const g of groupsOfQueue) groupsOf.set(g.kindergartenId, [...(groupsOf.get(g.kindergartenId) ?? []), g.groupId]);
    const kindergartenOf = new Map(groupsOfQueue.map((g) => [g.groupId, g.kindergartenId]));
    // Twins are few: read them at once so a pair split across pages still proposes as one.
    const twinRows = await rowsOf<WaitingRow>(
      db,
      sql`select id, queue_category as list, registered_at, kindergarten_ids, twin_group_id from applications
          where status = 'registered' and queue_id = ${queue.id} and twin_group_id is not null
            and (stop_until is null or stop_until <= ${now.toISOString()}::timestamptz)`,
    );
    const twins = new Map<number, Child[]>();
    for (const t of twinRows.map(toChild)) twins.set(t.twinGroupId!, [...(twins.get(t.twinGroupId!) ?? []), t]);
    const seatsOfQueue = groupsOfQueue.reduce((n, g) => n + g.free, 0);
    const next = mergedCursor(db, queue.id, queue.phase, policy.generalPerBeneficiary, now, Math.min(pageSize, Math.max(20, seatsOfQueue * 2)), pageSize);
    const seen = new Set<number>();
    const unmatched: (Unit & { kindergartenIds: number[] })[] = [];
    let rank = 0;
    let lastPlaced = 0;
    let exhausted = false;
    while (!exhausted && [...left.values()].some((n) => n > 0)) {
      const units: (Unit & { kindergartenIds: number[] })[] = [];
      for (let i = 0; i < pageSize; i++) {
        const child = await next();
        if (!child) {
          exhausted = true;
          break;
        }
        rank++;
        if (seen.has(child.applicationId)) continue;
        const members = child.twinGroupId !== null ? (twins.get(child.twinGroupId) ?? [child]) : [child];
        members.forEach((m) => seen.add(m.applicationId));
        const preferences = child.kindergartenIds.flatMap((k) => groupsOf.get(k) ?? []);
        if (preferences.length === 0) continue;
        units.push({ rank, applicationIds: members.map((m) => m.applicationId), preferences, kindergartenIds: child.kindergartenIds });
      }
      if (units.length === 0) continue;
      const result = deferredAcceptance(
        units,
        [...left].map(([groupId, free]) => ({ groupId, kindergartenId: kindergartenOf.get(groupId)!, free })),
      );
      const unitOf = new Map(units.map((u) => [u.applicationIds[0]!, u]));
      for (const m of result.matches) {
        const unit = unitOf.get(m.applicationIds[0]!)!;
        left.set(m.groupId, left.get(m.groupId)! - m.applicationIds.length);
        lastPlaced = Math.max(lastPlaced, unit.rank);
        const kindergartenId = kindergartenOf.get(m.groupId)!;
        offers.push({
          applicationIds: m.applicationIds,
          groupId: m.groupId,
          kindergartenId,
          queueId: queue.id,
          rank: unit.rank,
          choice: unit.kindergartenIds.indexOf(kindergartenId) + 1,
        });
      }
      unmatched.push(...(result.unmatched as (Unit & { kindergartenIds: number[] })[]));
    }
    // Passed over: children ranked ahead of the last child placed who got nothing, and why.
    for (const u of unmatched) {
      if (u.rank >= lastPlaced || skipped.length >= SKIPPED_LIMIT) continue;
      const reason = u.applicationIds.length > 1 ? 'twins_need_more_seats' : 'no_seat_in_choices';
      for (const id of u.applicationIds) skipped.push({ applicationId: id, queueId: queue.id, rank: u.rank, reason });
    }
    const stopped = await rowsOf<{ id: number }>(
      db,
      sql`select id from applications where status = 'registered' and queue_id = ${queue.id}
          and stop_until is not null and stop_until > ${now.toISOString()}::timestamptz
          order by registered_at, id limit ${SKIPPED_LIMIT}`,
    );
    for (const s of stopped) skipped.push({ applicationId: s.id, queueId: queue.id, rank: null, reason: 'stop_list' });
  }
  offers.sort((a, b) => a.queueId - b.queueId || a.rank - b.rank);
  return { seats: seatCount, offers, skipped };
}

function parseIntArray(v: number[] | string): number[] {
  if (Array.isArray(v)) return v.map(Number);
  return v.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
}

/** Staff preview a round: the plan is stored so the commit gives exactly what was shown. */
export async function previewRound(
  db: Queryable,
  input: { districtId: number; actor: Actor; policy: Policy; now?: Date },
): Promise<{ roundId: number; plan: RoundPlan }> {
  const now = input.now ?? new Date();
  assertNotFrozen(now, input.policy);
  const plan = await planRound(db, input.districtId, input.policy, now);
  const [round] = await db
    .insert(allocationRounds)
    .values({ districtId: input.districtId, plan, createdBy: input.actor.type === 'staff' ? input.actor.id : null, createdAt: now })
    .returning();
  await audit(db, input.actor, {
    action: 'allocation.preview',
    entity: 'allocation_round',
    entityId: round!.id,
    data: { districtId: input.districtId, seats: plan.seats, offers: plan.offers.length, skipped: plan.skipped.length },
    at: now,
  });
  return { roundId: round!.id, plan };
}

/**
 * Commits a previewed round in one transaction: groups and children are locked, every offer
 * is re-checked (still waiting, not on the stop list, seat still free) and the rest are given
 * through the status machine in queue order. Offers that no longer hold are reported, not made.
 */
export async function commitRound(
  db: Queryable,
  input: { roundId: number; actor: Actor; policy: Policy; now?: Date },
): Promise<{ referrals: Referral[]; dropped: { applicationIds: number[]; reason: string }[] }> {
  const now = input.now ?? new Date();
  assertNotFrozen(now, input.policy);
  return db.transaction(async (tx) => {
    const [round] = await tx.select().from(allocationRounds).where(eq(allocationRounds.id, input.roundId)).for('update');
    if (!round) throw new NotFoundError('allocation_round', input.roundId);
    if (round.status !== 'preview') throw new RuleError('round_not_open', { status: round.status });
    const plan = round.plan as RoundPlan;
    const seats = await lockGroups(tx, plan.offers.map((o) => o.groupId));
    const allIds = plan.offers.flatMap((o) => o.applicationIds);
    const current = new Map<number, { status: string; stopUntil: Date | null }>();
    for (let i = 0; i < allIds.length; i += 5000) {
      const chunk = [...allIds.slice(i, i + 5000)].sort((a, b) => a - b);
      const rows = await tx
        .select({ id: applications.id, status: applications.status, stopUntil: applications.stopUntil })
        .from(applications)
        .where(inArray(applications.id, chunk))
        .orderBy(asc(applications.id))
        .for('update');
      for (const r of rows) current.set(r.id, r);
    }
    const dropped: { applicationIds: number[]; reason: string }[] = [];
    const valid: RoundOffer[] = [];
    const left = new Map([...seats].map(([id, s]) => [id, s.free]));
    for (const offer of plan.offers) {
      const stale = offer.applicationIds.some((id) => {
        const app = current.get(id);
        return !app || app.status !== 'registered' || (app.stopUntil !== null && app.stopUntil > now);
      });
      if (stale) {
        dropped.push({ applicationIds: offer.applicationIds, reason: 'changed_since_preview' });
        continue;
      }
      const free = left.get(offer.groupId) ?? 0;
      if (free < offer.applicationIds.length) {
        dropped.push({ applicationIds: offer.applicationIds, reason: 'seat_taken_since_preview' });
        continue;
      }
      left.set(offer.groupId, free - offer.applicationIds.length);
      valid.push(offer);
    }
    const created = await createOffers(
      tx,
      valid.map((o) => ({ applicationIds: o.applicationIds, groupId: o.groupId })),
      { actor: input.actor, policy: input.policy, now, roundId: round.id },
    );
    await tx
      .update(allocationRounds)
      .set({ status: 'committed', committedAt: now, plan: { ...plan, dropped } })
      .where(eq(allocationRounds.id, round.id));
    await audit(tx, input.actor, {
      action: 'allocation.commit',
      entity: 'allocation_round',
      entityId: round.id,
      data: { districtId: round.districtId, offered: created.length, dropped: dropped.length },
      at: now,
    });
    return { referrals: created, dropped };
  });
}

