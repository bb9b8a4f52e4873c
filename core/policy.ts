import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { policySettings } from '../db/schema/index.ts';
import { EXTRAORDINARY_CATEGORIES, FIRST_PRIORITY_CATEGORIES } from '../db/schema/enums.ts';

const bilingual = z.object({ kk: z.string().trim().min(1), ru: z.string().trim().min(1) });
const SERVICE = {
  kk: '«Мектепке дейінгі балалар ұйымдарына жіберу үшін мектепке дейінгі (7 жасқа дейін) жастағы балаларды кезекке қою»',
  ru: '«Постановка на очередь детей дошкольного возраста (до 7 лет) для направления в детские дошкольные организации»',
};
/** Every priority category (a child with none has no claim), from the schema's one declaration. */
export const PRIORITY_CATEGORIES = [...EXTRAORDINARY_CATEGORIES, ...FIRST_PRIORITY_CATEGORIES] as const;

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
  /**
   * Calendar days a parent who claimed a right without its proof has to send it; until the proof
   * is verified the child waits in the general list.
   */
  priorityProofSendDays: z.number().int().min(1).max(90).default(10),
  /** Calendar days before that deadline when the parent is reminded (0 = on the day). */
  priorityProofReminderDaysBefore: z.number().int().min(0).max(30).default(2),
  /** Priority categories this region honours; others are treated as general. */
  extraordinaryCategories: z
    .array(z.enum(EXTRAORDINARY_CATEGORIES))
    .default(['military', 'special_state_body', 'killed_in_service']),
  firstPriorityCategories: z
    .array(z.enum(FIRST_PRIORITY_CATEGORIES))
    .default(['disabled_parent', 'no_parental_care', 'orphan', 'large_family', 'war_veteran', 'special_needs']),
  /** Categories whose proof is a work certificate that expires (certificateValidityDays). */
  expiringProofCategories: z
    .array(z.enum(PRIORITY_CATEGORIES))
    .default(['military', 'special_state_body', 'teacher']),
  /**
   * Categories whose right takes two staff members to grant (four eyes): one approves, a
   * different one with the right to decide approves too; until then the child waits where it was.
   */
  secondApprovalCategories: z
    .array(z.enum(PRIORITY_CATEGORIES))
    .default([...PRIORITY_CATEGORIES]),
  /**
   * Calendar days staff usually take to verify a sent certificate, both approvals included: a
   * certificate that lapses within this time is likely to lapse before it is verified.
   */
  proofVerificationDays: z.number().int().min(0).max(60).default(7),
  /** Calendar days before a verified work certificate lapses when the parent is reminded to send a new one. */
  certificateRenewalReminderDays: z.number().int().min(1).max(60).default(10),
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
  /**
   * The provider (glossary: «білім бөлімі» / «отдел образования») by its name in this region: it
   * issues the referral and signs both documents. A region writes its department's exact name.
   */
  provider: bilingual.default({ kk: 'Алматы қаласы білім бөлімі', ru: 'Отдел образования города Алматы' }),
  /**
   * The act each document's form comes from, printed in its top corner. The service passport
   * (seed 004) makes the referral appendix 1 to the service standard and the notice a free form;
   * the 2013 regulation's appendices are repealed.
   */
  legalBasis: z
    .object({ referral: bilingual, notice: bilingual })
    .default({
      referral: {
        kk: `${SERVICE.kk} мемлекеттік көрсетілетін қызмет стандартына 1-қосымша`,
        ru: `Приложение 1 к стандарту государственной услуги ${SERVICE.ru}`,
      },
      notice: {
        kk: `${SERVICE.kk} мемлекеттік көрсетілетін қызмет стандартына сәйкес ерікті нысан`,
        ru: `Произвольная форма по стандарту государственной услуги ${SERVICE.ru}`,
      },
    }),
  /**
   * The open queue (core/open-queue.ts): the fewest rows that may share a published registration
   * date and kindergarten choice. Smaller groups are coarsened (day → month → year) or their
   * kindergartens withheld, so no row can be singled out by what a neighbour knows.
   */
  openQueueMinGroup: z.number().int().min(2).max(100).default(5),
  /** Each year on this date the bot asks every parent with a waiting child to confirm their phone. */
  contactCheckDate: monthDay.default({ month: 5, day: 1 }),
  /** Calendar days a parent has to answer before staff see them on the list to phone. */
  contactCheckWindowDays: z.number().int().min(1).max(90).default(14),
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
