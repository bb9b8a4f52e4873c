import type { Policy } from './policy.ts';
import type { PriorityCategory } from '../db/schema/enums.ts';

/**
 * SPEC "The queue order, exactly": E first, then B and G merged 1:k using the queue's phase
 * (how many G children got places since the last B child did).
 */
export const EXTRAORDINARY = 0;
export const FIRST_PRIORITY = 1;
export const GENERAL = 2;
export type QueueList = typeof EXTRAORDINARY | typeof FIRST_PRIORITY | typeof GENERAL;

export interface QueueTotals {
  e: number;
  b: number;
  g: number;
}

export interface PositionResult {
  /** 1-based. */
  position: number;
  /** Who is ahead, by list; the three add up to position − 1. */
  ahead: { extraordinary: number; firstPriority: number; general: number };
}

export function positionIn(
  list: QueueList,
  aheadInList: number,
  totals: QueueTotals,
  phase: number,
  k: number,
): PositionResult {
  const r = Math.max(0, k - phase);
  let ahead: PositionResult['ahead'];
  if (list === EXTRAORDINARY) {
    ahead = { extraordinary: aheadInList, firstPriority: 0, general: 0 };
  } else if (list === FIRST_PRIORITY) {
    ahead = { extraordinary: totals.e, firstPriority: aheadInList, general: Math.min(totals.g, r + k * aheadInList) };
  } else {
    const beneficiaries = aheadInList < r ? 0 : Math.min(totals.b, Math.floor((aheadInList - r) / k) + 1);
    ahead = { extraordinary: totals.e, firstPriority: beneficiaries, general: aheadInList };
  }
  return { position: ahead.extraordinary + ahead.firstPriority + ahead.general + 1, ahead };
}

export function nextList(totals: QueueTotals, phase: number, k: number): QueueList | null {
  if (totals.e > 0) return EXTRAORDINARY;
  if (totals.b === 0 && totals.g === 0) return null;
  if (totals.b === 0) return GENERAL;
  if (totals.g === 0) return FIRST_PRIORITY;
  return phase < k ? GENERAL : FIRST_PRIORITY;
}

export function phaseAfterPlace(phase: number, list: QueueList, k: number): number {
  if (list === FIRST_PRIORITY) return 0;
  if (list === GENERAL) return Math.min(phase + 1, k);
  return phase;
}

export type { PriorityCategory };

export type ProofState = 'none' | 'pending' | 'verified' | 'rejected' | 'expired';

/** A right counts only once its proof is verified and, for work certificates, still valid. */
export function queueListOf(
  category: PriorityCategory,
  proof: ProofState,
  proofValidUntil: Date | null,
  now: Date,
  policy: Pick<Policy, 'extraordinaryCategories' | 'firstPriorityCategories' | 'expiringProofCategories'>,
): QueueList {
  if (category === 'none' || proof !== 'verified') return GENERAL;
  if ((policy.expiringProofCategories as string[]).includes(category) && proofValidUntil && proofValidUntil < now) {
    return GENERAL;
  }
  if ((policy.extraordinaryCategories as string[]).includes(category)) return EXTRAORDINARY;
  if ((policy.firstPriorityCategories as string[]).includes(category)) return FIRST_PRIORITY;
  return GENERAL;
}

export const LIST_NAMES = { [EXTRAORDINARY]: 'extraordinary', [FIRST_PRIORITY]: 'firstPriority', [GENERAL]: 'general' } as const;
