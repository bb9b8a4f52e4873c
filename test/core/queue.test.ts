import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../core/policy.ts';
import {
  EXTRAORDINARY,
  FIRST_PRIORITY,
  GENERAL,
  nextList,
  phaseAfterPlace,
  positionIn,
  queueListOf,
  type QueueList,
} from '../../core/queue.ts';

/**
 * The reference: hand out places one by one exactly as SPEC words it (E first; then 3 − p
 * general, one beneficiary, three general, …; a list that runs dry lets the other continue)
 * and read positions off the resulting order.
 */
function simulate(e: number, b: number, g: number, phase: number, k: number): Array<[QueueList, number]> {
  const order: Array<[QueueList, number]> = [];
  const taken = { e: 0, b: 0, g: 0 };
  let p = phase;
  while (order.length < e + b + g) {
    if (taken.e < e) {
      order.push([EXTRAORDINARY, taken.e++]);
    } else if ((p < k || taken.b === b) && taken.g < g) {
      order.push([GENERAL, taken.g++]);
      p = Math.min(p + 1, k);
    } else if (taken.b < b) {
      order.push([FIRST_PRIORITY, taken.b++]);
      p = 0;
    } else {
      order.push([GENERAL, taken.g++]);
    }
  }
  return order;
}

describe('queue order', () => {
  it('matches the place-by-place reference for every small queue and phase', () => {
    let checked = 0;
    for (let k = 1; k <= 4; k++)
      for (let e = 0; e <= 3; e++)
        for (let b = 0; b <= 6; b++)
          for (let g = 0; g <= 14; g++)
            for (let phase = 0; phase <= k; phase++) {
              const order = simulate(e, b, g, phase, k);
              order.forEach(([list, inList], index) => {
                const got = positionIn(list, inList, { e, b, g }, phase, k);
                expect(got.position, `k=${k} e=${e} b=${b} g=${g} p=${phase} list=${list} #${inList}`).toBe(index + 1);
                checked++;
              });
            }
    expect(checked).toBeGreaterThan(20_000);
  });

  it('explains who is ahead, by list, adding up to the position', () => {
    // E=2, B=3, G=10, phase 1 (one G placed since the last B): order E E G G B G G G B G G G B G G
    const g5 = positionIn(GENERAL, 5, { e: 2, b: 3, g: 10 }, 1, 3);
    expect(g5).toEqual({ position: 10, ahead: { extraordinary: 2, firstPriority: 2, general: 5 } });
    const b1 = positionIn(FIRST_PRIORITY, 1, { e: 2, b: 3, g: 10 }, 1, 3);
    expect(b1).toEqual({ position: 9, ahead: { extraordinary: 2, firstPriority: 1, general: 5 } });
  });

  it('gives the next place to the list the reference does, and moves the phase like SPEC says', () => {
    for (let phase = 0; phase <= 3; phase++) {
      for (const [e, b, g] of [
        [1, 1, 1],
        [0, 2, 5],
        [0, 0, 3],
        [0, 4, 0],
        [0, 0, 0],
      ] as const) {
        const expected = simulate(e, b, g, phase, 3)[0]?.[0] ?? null;
        expect(nextList({ e, b, g }, phase, 3)).toBe(expected);
      }
    }
    expect(phaseAfterPlace(2, FIRST_PRIORITY, 3)).toBe(0);
    expect(phaseAfterPlace(2, GENERAL, 3)).toBe(3);
    expect(phaseAfterPlace(3, GENERAL, 3)).toBe(3);
    expect(phaseAfterPlace(1, EXTRAORDINARY, 3)).toBe(1);
  });

  it('counts a right only with verified, unexpired proof', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const later = new Date('2026-12-01T00:00:00Z');
    const earlier = new Date('2026-11-01T00:00:00Z');
    expect(queueListOf('large_family', 'verified', null, now, defaultPolicy)).toBe(FIRST_PRIORITY);
    expect(queueListOf('large_family', 'pending', null, now, defaultPolicy)).toBe(GENERAL);
    expect(queueListOf('military', 'verified', later, now, defaultPolicy)).toBe(EXTRAORDINARY);
    expect(queueListOf('military', 'verified', earlier, now, defaultPolicy)).toBe(GENERAL);
    expect(queueListOf('teacher', 'verified', later, now, defaultPolicy)).toBe(GENERAL); // not honoured by default
    expect(queueListOf('teacher', 'verified', later, now, { ...defaultPolicy, firstPriorityCategories: ['teacher'] })).toBe(
      FIRST_PRIORITY,
    );
    expect(queueListOf('none', 'verified', null, now, defaultPolicy)).toBe(GENERAL);
  });
});
