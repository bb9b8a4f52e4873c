import { describe, expect, it } from 'vitest';
import { estimateWait, monthsOf } from '../../core/expected-wait.ts';

describe('expected wait', () => {
  it('gives a range between a busy and a slow month', () => {
    // Four slow months (2 places), four average (5), four busy (10): 25th percentile 2, 75th 10.
    const months = [2, 2, 2, 2, 5, 5, 5, 5, 10, 10, 10, 10];
    expect(estimateWait(30, months)).toEqual({ kind: 'range', fromMonths: 3, toMonths: 15, placesLastYear: 68 });
    expect(estimateWait(1, months)).toEqual({ kind: 'range', fromMonths: 1, toMonths: 1, placesLastYear: 68 });
  });

  it('says "not enough data" rather than guess', () => {
    expect(estimateWait(10, [5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toEqual({ kind: 'insufficient', placesLastYear: 5 });
    expect(estimateWait(10, [3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toEqual({ kind: 'insufficient', placesLastYear: 9 });
    expect(estimateWait(10, Array(12).fill(0))).toEqual({ kind: 'insufficient', placesLastYear: 0 });
  });

  it('counts the months without referrals as zeros', () => {
    expect(monthsOf(null)).toEqual(Array(12).fill(0));
    expect(monthsOf('[4,1]')).toEqual([4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(monthsOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])).toHaveLength(12);
  });
});
