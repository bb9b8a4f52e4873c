/** No imports: the panel's browser bundle uses this list too. */
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

/** About the proof, not the application: the child stays in the general list. */
export const PRIORITY_REJECTION_REASONS = [
  'priority_no_document',
  'priority_document_expired',
  'priority_document_invalid',
  'priority_not_eligible',
  'other',
] as const;

export type PriorityRejectionReason = (typeof PRIORITY_REJECTION_REASONS)[number];
