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
