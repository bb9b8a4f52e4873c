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

/** SPEC "Rules from current practice"; a region overrides any setting in policy_settings. */
export const policySchema = z.object({
  maxAgeYears: z.number().int().min(1).max(8).default(7),
  /** Full civil capacity comes at 18 (Civil Code of the Republic of Kazakhstan, art. 17). */
  minApplicantAgeYears: z.number().int().min(14).max(21).default(18),
  maxKindergartens: z.number().int().min(1).max(10).default(3),
  generalPerBeneficiary: z.number().int().min(1).max(20).default(3),
  /** Astana gives 1 calendar day, Almaty 3. */
  confirmWindowWorkingDays: z.number().int().min(1).max(10).default(2),
  presentWindowWorkingDays: z.number().int().min(1).max(30).default(5),
  maxExtensions: z.number().int().min(0).max(3).default(1),
  maxExtensionCalendarDays: z.number().int().min(1).max(90).default(30),
  /** Calendar days a child is not offered again after an offer or referral lapsed (0 = no stop list). */
  stopListDays: z.number().int().min(0).max(60).default(10),
  onLapse: z.enum(['queue', 'remove']).default('queue'),
  /** A seat freed by a declined or lapsed offer or referral is offered to the next child at once (off: staff offer it). */
  offerFreedSeats: z.boolean().default(true),
  certificateValidityDays: z.number().int().min(1).max(365).default(30),
  priorityProofWorkingDays: z.number().int().min(1).max(30).default(5),
  priorityProofSendDays: z.number().int().min(1).max(90).default(10),
  priorityProofReminderDaysBefore: z.number().int().min(0).max(30).default(2),
  extraordinaryCategories: z
    .array(z.enum(EXTRAORDINARY_CATEGORIES))
    .default(['military', 'special_state_body', 'killed_in_service']),
  firstPriorityCategories: z
    .array(z.enum(FIRST_PRIORITY_CATEGORIES))
    .default(['disabled_parent', 'no_parental_care', 'orphan', 'large_family', 'war_veteran', 'special_needs']),
  expiringProofCategories: z
    .array(z.enum(PRIORITY_CATEGORIES))
    .default(['military', 'special_state_body', 'teacher']),
  /** Four eyes: a different staff member with the right to decide approves too. */
  secondApprovalCategories: z
    .array(z.enum(PRIORITY_CATEGORIES))
    .default([...PRIORITY_CATEGORIES]),
  /** Both approvals included: a certificate lapsing sooner will likely lapse before it is verified. */
  proofVerificationDays: z.number().int().min(0).max(60).default(7),
  certificateRenewalReminderDays: z.number().int().min(1).max(60).default(10),
  freeze: z.object({ from: monthDay, to: monthDay }).default({ from: { month: 8, day: 1 }, to: { month: 8, day: 31 } }),
  resortBy: monthDay.default({ month: 6, day: 30 }),
  twinsMaxBirthGapDays: z.number().int().min(0).max(62).default(31),
  /** Passport 004. */
  resultDeadlineMinutes: z.number().int().min(1).default(30),
  reminderWorkingDaysBefore: z.number().int().min(0).max(5).default(1),
  autoRegister: z.boolean().default(true),
  lookupReasonMinChars: z.number().int().min(1).max(100).default(5),
  applicationDraftKeepHours: z.number().int().min(1).max(720).default(72),
  provider: bilingual.default({ kk: 'Алматы қаласы білім бөлімі', ru: 'Отдел образования города Алматы' }),
  /** The service passport (seed 004); the 2013 regulation's appendices are repealed. */
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
  /** Smaller groups are coarsened or their kindergartens withheld (core/open-queue.ts). */
  openQueueMinGroup: z.number().int().min(2).max(100).default(5),
  contactCheckDate: monthDay.default({ month: 5, day: 1 }),
  contactCheckWindowDays: z.number().int().min(1).max(90).default(14),
  maxDocumentBytes: z.number().int().min(1024).default(10 * 1024 * 1024),
  documentMimeTypes: z.array(z.string()).default(['image/jpeg', 'image/png', 'application/pdf']),
});

export type Policy = z.infer<typeof policySchema>;

export const defaultPolicy: Policy = policySchema.parse({});

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
