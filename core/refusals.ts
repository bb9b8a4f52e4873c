/**
 * Reason codes staff choose when refusing an application or a priority claim; the parent reads
 * refusalReason.<code> in their language (documents_mismatch is the demo seed's older code).
 * No imports: the panel's browser bundle uses this list too.
 */
export const REFUSAL_REASONS = [
  'documents_incomplete',
  'documents_false',
  'documents_mismatch',
  'age_over_limit',
  'not_in_register',
  'duplicate_application',
  'other',
] as const;

export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/**
 * Reason codes for denying a priority claim: about the proof of the category, not the
 * application (the child stays in the queue, in the general list). Their texts are
 * refusalReason.<code> too, so the parent's notification and the history read them alike.
 */
export const PRIORITY_REJECTION_REASONS = [
  'priority_no_document',
  'priority_document_expired',
  'priority_document_invalid',
  'priority_not_eligible',
  'other',
] as const;

export type PriorityRejectionReason = (typeof PRIORITY_REJECTION_REASONS)[number];
