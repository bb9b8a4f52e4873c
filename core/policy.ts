import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { policySettings } from '../db/schema/index.ts';
import { EXTRAORDINARY_CATEGORIES, FIRST_PRIORITY_CATEGORIES, priorityCategoryEnum } from '../db/schema/enums.ts';

const monthDay = z.object({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) });

/**
 * Every number of SPEC "Rules from current practice" as a named setting with the reported
 * default. A region overrides any of them in the policy_settings table (key = setting name,
 * value = JSON) without a code change; loadPolicy validates the result with this schema.
 */
export const policySchema = z.object({
  /** Children must be under this age (years) on the application date. */
  maxAgeYears: z.number().int().min(1).max(8).default(7),
  /**
   * The youngest parent, legal representative or attorney who may apply, in whole years on the
   * application date (every channel). 18: full civil capacity comes at 18 (Civil Code of the
   * Republic of Kazakhstan, art. 17). A younger parent with full capacity by marriage or
   * emancipation is rare; the office sees their documents, and a region that needs it lowers this.
   */
  minApplicantAgeYears: z.number().int().min(14).max(21).default(18),
  /** How many kindergartens a parent may rank. */
  maxKindergartens: z.number().int().min(1).max(10).default(3),
  /** General children per first-priority child in the merged queue ("1 to 3"). */
  generalPerBeneficiary: z.number().int().min(1).max(20).default(3),
  /** Working days a parent has to confirm an offered place (Astana: 1 calendar day, Almaty: 3). */
  confirmWindowWorkingDays: z.number().int().min(1).max(10).default(2),
  /** Working days to hand the referral to the kindergarten. */
  presentWindowWorkingDays: z.number().int().min(1).max(30).default(5),
  /** How many extensions staff may grant, and for how many calendar days at most. */
  maxExtensions: z.number().int().min(0).max(3).default(1),
  maxExtensionCalendarDays: z.number().int().min(1).max(90).default(30),
  /** Calendar days a child is not offered again after an offer or referral lapsed (0 = no stop list). */
  stopListDays: z.number().int().min(0).max(60).default(10),
  /** What happens to a child whose offer or referral lapsed: back to the queue, or out of it. */
  onLapse: z.enum(['queue', 'remove']).default('queue'),
  /** A seat freed by a declined or lapsed offer or referral is offered to the next child at once (off: staff offer it). */
  offerFreedSeats: z.boolean().default(true),
  /** Calendar days a certificate of military, special-body or teaching work stays valid. */
  certificateValidityDays: z.number().int().min(1).max(365).default(30),
  /** Working days a beneficiary has to prove the right before losing the referral. */
  priorityProofWorkingDays: z.number().int().min(1).max(30).default(5),
  /** Priority categories this region honours; others are treated as general. */
  extraordinaryCategories: z
    .array(z.enum(EXTRAORDINARY_CATEGORIES))
    .default(['military', 'special_state_body', 'killed_in_service']),
  firstPriorityCategories: z
    .array(z.enum(FIRST_PRIORITY_CATEGORIES))
    .default(['disabled_parent', 'no_parental_care', 'orphan', 'large_family', 'war_veteran', 'special_needs']),
  /** Categories whose proof is a work certificate that expires (certificateValidityDays). */
  expiringProofCategories: z
    .array(z.enum(priorityCategoryEnum.enumValues).exclude(['none']))
    .default(['military', 'special_state_body', 'teacher']),
  /** No referrals are issued in this window while children move up age groups. */
  freeze: z.object({ from: monthDay, to: monthDay }).default({ from: { month: 8, day: 1 }, to: { month: 8, day: 31 } }),
  /** Queues are re-sorted each year by this date. */
  resortBy: monthDay.default({ month: 6, day: 30 }),
  /** Twins: same family, birth dates at most this many days apart. */
  twinsMaxBirthGapDays: z.number().int().min(0).max(62).default(31),
  /** Minutes from application to result (passport 004). */
  resultDeadlineMinutes: z.number().int().min(1).default(30),
  /** Working days before a window closes when the parent is reminded. */
  reminderWorkingDaysBefore: z.number().int().min(0).max(5).default(1),
  /** Register bot and portal applications at once when automatic checks pass (the 30-minute result). */
  autoRegister: z.boolean().default(true),
  /** The shortest reason a call-centre agent may give for a look-up (who calls and why). */
  lookupReasonMinChars: z.number().int().min(1).max(100).default(5),
  /** Hours the answers of a stopped bot application are kept, so the parent can go on from there. */
  applicationDraftKeepHours: z.number().int().min(1).max(720).default(72),
  /** Uploaded documents. */
  maxDocumentBytes: z.number().int().min(1024).default(10 * 1024 * 1024),
  documentMimeTypes: z.array(z.string()).default(['image/jpeg', 'image/png', 'application/pdf']),
});

export type Policy = z.infer<typeof policySchema>;

export const defaultPolicy: Policy = policySchema.parse({});

/** Defaults merged with the region's overrides; a bad override is reported, never half-applied. */
export async function loadPolicy(db: Queryable): Promise<Policy> {
  const rows = await db.select().from(policySettings);
  const overrides = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  const parsed = policySchema.safeParse(overrides);
  if (!parsed.success) {
    throw new Error(
      `policy_settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

export async function setPolicy<K extends keyof Policy>(
  db: Queryable,
  key: K,
  value: Policy[K],
  updatedBy: number | null,
): Promise<void> {
  policySchema.shape[key].parse(value);
  await db
    .insert(policySettings)
    .values({ key, value, updatedBy })
    .onConflictDoUpdate({ target: policySettings.key, set: { value, updatedBy, updatedAt: new Date() } });
}
