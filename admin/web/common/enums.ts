/** One definition: db/schema/enums.ts. */
import {
  applicationStatusEnum,
  channelEnum,
  documentKindEnum,
  languageEnum,
  priorityCategoryEnum,
  proofStateEnum,
  referralStatusEnum,
  staffRoleEnum,
  verificationEnum,
} from '../../../db/schema/enums.ts';
import { PRIORITY_REJECTION_REASONS, REFUSAL_REASONS } from '../../../core/refusals.ts';

export const STATUSES = applicationStatusEnum.enumValues;
export const CHANNELS = channelEnum.enumValues;
export const LANGUAGES = languageEnum.enumValues;
export const CATEGORIES = priorityCategoryEnum.enumValues;
export const PROOFS = proofStateEnum.enumValues;
export const DOCUMENT_KINDS = documentKindEnum.enumValues;
export const VERIFICATIONS = verificationEnum.enumValues;
export const REFERRAL_STATUSES = referralStatusEnum.enumValues;
export const ROLES = staffRoleEnum.enumValues;
export { PRIORITY_REJECTION_REASONS, REFUSAL_REASONS };
export const LISTS = ['extraordinary', 'firstPriority', 'general'] as const;

export function choices(prefix: string, values: readonly (string | number)[]) {
  return values.map((id) => ({ id, name: `${prefix}.${id}` }));
}
