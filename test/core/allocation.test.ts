import { describe, expect, it } from 'vitest';
import { deferredAcceptance, mergedOrder, type SeatGroup, type Unit } from '../../core/allocation.ts';
import { positionIn, type QueueList } from '../../core/queue.ts';

/** Deterministic PRNG so a failure can be replayed from its seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The reference: with one priority order for all groups (the queue), the only stable matching
 * is serial dictatorship — children in queue order each take their best group with room.
 */
function serialDictatorship(units: Unit[], groups: SeatGroup[]) {
  const left = new Map(groups.map((g) => [g.groupId, g.free]));
  const out = new Map<number, number>();
  for (const u of [...units].sort((a, b) => a.rank - b.rank)) {
    const g = u.preferences.find((p) => (left.get(p) ?? 0) >= u.applicationIds.length);
    if (g === undefined) continue;
    left.set(g, left.get(g)! - u.applicationIds.length);
    for (const id of u.applicationIds) out.set(id, g);
  }
  return out;
}

function randomCase(random: () => number) {
  const groupCount = 1 + Math.floor(random() * 6);
  const groups: SeatGroup[] = Array.from({ length: groupCount }, (_, i) => ({
    groupId: 100 + i,
    kindergartenId: 10 + i,
    free: Math.floor(random() * 4),
  }));
  const units: Unit[] = [];
  let id = 1;
  const n = Math.floor(random() * 25);
  const ranks = Array.from({ length: n }, (_, i) => i + 1).sort(() => random() - 0.5);
  for (let i = 0; i < n; i++) {
    const size = random() < 0.15 ? 2 : 1;
    const prefs = groups.map((g) => g.groupId).sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 3));
    units.push({ rank: ranks[i]!, applicationIds: Array.from({ length: size }, () => id++), preferences: prefs });
  }
  return { groups, units };
}

describe('allocation', () => {
  it('matches the serial-dictatorship reference on 3,000 random cases (preferences, seats, twins)', () => {
    const random = rng(20261123);
    for (let c = 0; c < 3000; c++) {
      const { groups, units } = randomCase(random);
      const got = deferredAcceptance(units, groups);
      const placed = new Map(got.matches.flatMap((m) => m.applicationIds.map((id) => [id, m.groupId] as const)));
      expect(placed, `case ${c}`).toEqual(serialDictatorship(units, groups));
      // Never more children in a group than seats; twins together; every unit matched or unmatched once.
      for (const g of groups) {
        expect(got.matches.filter((m) => m.groupId === g.groupId).reduce((s, m) => s + m.applicationIds.length, 0)).toBeLessThanOrEqual(g.free);
      }
      expect(got.matches.length + got.unmatched.length).toBe(units.length);
    }
  });

  it('is stable: nobody prefers a group that has room for them or holds a child ranked below them', () => {
    const random = rng(7);
    for (let c = 0; c < 1000; c++) {
      const { groups, units } = randomCase(random);
      const { matches } = deferredAcceptance(units, groups);
      const groupOf = new Map(matches.map((m) => [m.applicationIds[0]!, m.groupId]));
      const used = new Map<number, number>();
      for (const m of matches) used.set(m.groupId, (used.get(m.groupId) ?? 0) + m.applicationIds.length);
      for (const u of units) {
        const mine = groupOf.get(u.applicationIds[0]!);
        const better = mine === undefined ? u.preferences : u.preferences.slice(0, u.preferences.indexOf(mine));
        for (const g of better) {
          const cap = groups.find((x) => x.groupId === g)!.free;
          expect((used.get(g) ?? 0) + u.applicationIds.length, `case ${c}: room in a preferred group`).toBeGreaterThan(cap);
          // Everyone held there is ranked ahead of u, or evicting all worse-ranked still would not make room.
          const worse = matches.filter((m) => m.groupId === g && units.find((x) => x.applicationIds[0] === m.applicationIds[0])!.rank > u.rank);
          const freed = worse.reduce((s, m) => s + m.applicationIds.length, 0);
          expect(cap - (used.get(g) ?? 0) + freed, `case ${c}: justified envy`).toBeLessThan(u.applicationIds.length);
        }
      }
    }
  });

  it('orders a queue exactly as the position formula does', () => {
    const random = rng(99);
    for (let c = 0; c < 300; c++) {
      const children = Array.from({ length: Math.floor(random() * 30) }, (_, i) => ({
        applicationId: i + 1,
        list: Math.floor(random() * 3) as QueueList,
        registeredAt: new Date(Date.UTC(2024, 0, 1 + Math.floor(random() * 20))),
      }));
      const phase = Math.floor(random() * 4);
      const order = mergedOrder(children, phase, 3);
      const totals = { e: 0, b: 0, g: 0 };
      for (const ch of children) totals[(['e', 'b', 'g'] as const)[ch.list]]++;
      order.forEach((ch, i) => {
        const ahead = order.slice(0, i).filter((o) => o.list === ch.list).length;
        expect(positionIn(ch.list, ahead, totals, phase, 3).position).toBe(i + 1);
      });
    }
  });
});
