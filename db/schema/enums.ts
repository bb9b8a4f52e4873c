import { pgEnum } from 'drizzle-orm/pg-core';
import { LANGUAGES } from '../../locales/languages.ts';

export const languageEnum = pgEnum('language', LANGUAGES);

/** Where an application came in (SPEC: office, State Corporation, portal; the bot is ours). */
export const channelEnum = pgEnum('channel', ['bot', 'office', 'centre', 'portal']);

/**
 * Application status. The legal transitions live in core/status.ts, nowhere else.
 * "Active" (one per child) = submitted, registered, offered, referred.
 */
export const applicationStatusEnum = pgEnum('application_status', [
  'submitted',
  'registered',
  'offered',
  'referred',
  'enrolled',
  'refused',
  'withdrawn',
  'lapsed',
]);

/**
 * Priority categories. The first three are the extraordinary right, the rest first-priority
 * (SPEC "Categories"); which of them a region honours is a policy setting (core/policy.ts).
 */
export const EXTRAORDINARY_CATEGORIES = ['military', 'special_state_body', 'killed_in_service'] as const;
export const FIRST_PRIORITY_CATEGORIES = [
  'disabled_parent',
  'no_parental_care',
  'orphan',
  'large_family',
  'war_veteran',
  'special_needs',
  'teacher',
] as const;
export const priorityCategoryEnum = pgEnum('priority_category', ['none', ...EXTRAORDINARY_CATEGORIES, ...FIRST_PRIORITY_CATEGORIES]);
export type PriorityCategory = (typeof priorityCategoryEnum.enumValues)[number];

/**
 * What the channel that created an applicant record proved about the person holding its IIN
 * (README "Who is applying"): typed in the bot (a claim), an identity document seen at the
 * office or the public service centre, a digital signature on the portal.
 */
export const identityProofEnum = pgEnum('identity_proof', ['claimed', 'document', 'signature']);

export const proofStateEnum = pgEnum('proof_state', ['none', 'pending', 'verified', 'rejected', 'expired']);

export const documentKindEnum = pgEnum('document_kind', [
  'birth_certificate',
  'identity',
  'priority_proof',
  'power_of_attorney',
  'referral',
  'registration_notice',
  'other',
]);

export const verificationEnum = pgEnum('verification', ['pending', 'verified', 'rejected']);

export const referralStatusEnum = pgEnum('referral_status', [
  'offered',
  'issued',
  'declined',
  'lapsed',
  'enrolled',
  'cancelled',
]);

export const staffRoleEnum = pgEnum('staff_role', ['admin', 'district_staff', 'call_centre', 'auditor']);

export const actorTypeEnum = pgEnum('actor_type', ['parent', 'staff', 'system']);

/**
 * An outbox row's attempt: claimed by a worker (the request has not left), sending (it may have
 * reached Telegram), then sent or failed. See core/outbox.ts.
 */
export const notificationStatusEnum = pgEnum('notification_status', ['pending', 'claimed', 'sending', 'sent', 'failed']);

/** Why positions in a queue moved (SPEC: "a reason that can be named"). */
export const positionReasonEnum = pgEnum('position_reason', [
  'registered',
  'placed',
  'withdrawn',
  'refused',
  'lapsed',
  'returned',
  'category_changed',
  'resort',
  'correction',
]);
