import { EXTRAORDINARY, FIRST_PRIORITY, GENERAL, type QueueList } from './queue.ts';

/** Pure matching of free seats to waiting children; core/rounds.ts loads the data and writes the result. */

export interface Waiting {
  applicationId: number;
  list: QueueList;
  registeredAt: Date;
  kindergartenIds: number[];
  twinGroupId: number | null;
}

/**
 * SPEC "The queue order, exactly": E first, then B and G 1:k from the queue's phase. The caller
 * leaves out children on the stop list, so 1:k counts only places actually given.
 */
export function mergedOrder<T extends Pick<Waiting, 'applicationId' | 'list' | 'registeredAt'>>(
  children: T[],
  phase: number,
  k: number,
): T[] {
  const byTime = (a: T, b: T) => a.registeredAt.getTime() - b.registeredAt.getTime() || a.applicationId - b.applicationId;
  const e = children.filter((c) => c.list === EXTRAORDINARY).sort(byTime);
  const b = children.filter((c) => c.list === FIRST_PRIORITY).sort(byTime);
  const g = children.filter((c) => c.list === GENERAL).sort(byTime);
  const out = [...e];
  let p = phase;
  let bi = 0;
  let gi = 0;
  while (bi < b.length || gi < g.length) {
    if ((p < k || bi >= b.length) && gi < g.length) {
      out.push(g[gi++]!);
      p = Math.min(p + 1, k);
    } else {
      out.push(b[bi++]!);
      p = 0;
    }
  }
  return out;
}

export interface SeatGroup {
  groupId: number;
  kindergartenId: number;
  free: number;
}

export interface Unit {
  /** Lower is better: the unit's place in its queue's merged order. */
  rank: number;
  applicationIds: number[];
  preferences: number[];
}

export interface Match {
  groupId: number;
  applicationIds: number[];
  choice: number;
}

export interface MatchResult {
  matches: Match[];
  unmatched: Unit[];
}

/**
 * Deferred acceptance (children propose, groups hold the best by rank): no child prefers a group
 * with a free seat or holding a lower-ranked child. Twins are one unit needing two seats.
 */
export function deferredAcceptance(units: Unit[], groups: SeatGroup[]): MatchResult {
  const capacity = new Map(groups.map((g) => [g.groupId, g.free]));
  const held = new Map<number, { unit: Unit; choice: number }[]>();
  const used = new Map<number, number>();
  const next = new Map<Unit, number>();
  const size = (u: Unit) => u.applicationIds.length;
  // A stack with the best rank on top: proposals in queue order.
  const free: Unit[] = [...units].sort((a, b) => b.rank - a.rank);
  const unmatched: Unit[] = [];

  while (free.length) {
    const unit = free.pop()!;
    const i = next.get(unit) ?? 0;
    if (i >= unit.preferences.length) {
      unmatched.push(unit);
      continue;
    }
    next.set(unit, i + 1);
    const groupId = unit.preferences[i]!;
    const cap = capacity.get(groupId) ?? 0;
    if (size(unit) > cap) {
      free.push(unit);
      continue;
    }
    const list = held.get(groupId) ?? [];
    let at = list.findIndex((h) => h.unit.rank > unit.rank);
    if (at < 0) at = list.length;
    list.splice(at, 0, { unit, choice: i });
    let total = (used.get(groupId) ?? 0) + size(unit);
    // The group keeps its best-ranked units that fit; the rest propose further down their lists.
    while (total > cap) {
      const worst = list.pop()!;
      total -= size(worst.unit);
      free.push(worst.unit);
    }
    held.set(groupId, list);
    used.set(groupId, total);
  }
  const matches: Match[] = [];
  for (const [groupId, list] of held) {
    for (const h of list) matches.push({ groupId, applicationIds: h.unit.applicationIds, choice: h.choice });
  }
  matches.sort((a, b) => a.applicationIds[0]! - b.applicationIds[0]!);
  return { matches, unmatched: unmatched.sort((a, b) => a.rank - b.rank) };
}
