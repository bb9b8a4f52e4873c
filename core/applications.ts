import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable, Tx } from '../db/client.ts';
import {
  applicants,
  applications,
  children,
  districts,
  kindergartens,
  queues,
  representatives,
} from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import { localDate } from './calendar.ts';
import { ValidationError, type FieldError } from './errors.ts';
import { parseIin, type IinError } from './iin.ts';
import { normalizePhone } from './phone.ts';
import type { Policy } from './policy.ts';
import { ACTIVE_STATUSES, transition, type Application } from './status.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

/** The application form (appendix 5) as every channel submits it. */
export const applicationInputSchema = z.object({
  applicant: z.object({
    iin: z.string(),
    fullName: text(200),
    phones: z.array(z.string()).min(1).max(3),
    phoneVerified: z.boolean().default(false),
    address: text(500),
    telegramUserId: z.number().int().positive().nullish(),
    language: z.enum(['kk', 'ru']),
    consentAt: z.coerce.date(),
  }),
  representative: z
    .object({
      iin: z.string(),
      fullName: text(200),
      phone: z.string().nullish(),
      telegramUserId: z.number().int().positive().nullish(),
      poaNumber: text(64),
      poaDate: z.iso.date(),
      poaIssuer: text(300),
    })
    .nullish(),
  child: z.object({
    iin: z.string(),
    fullName: text(200),
    /** As the parent gave it; must agree with the IIN. */
    birthDate: z.iso.date(),
    birthCertificateNumber: text(64),
  }),
  districtId: z.number().int().positive(),
  language: z.enum(['kk', 'ru']),
  kindergartenIds: z.array(z.number().int().positive()).min(1),
  priorityCategory: z.enum(applications.priorityCategory.enumValues).default('none'),
  channel: z.enum(applications.channel.enumValues),
  motherWorkplace: z.string().trim().max(300).nullish(),
  fatherWorkplace: z.string().trim().max(300).nullish(),
});

export type ApplicationInput = z.input<typeof applicationInputSchema>;
type ParsedInput = z.output<typeof applicationInputSchema>;

const IIN_CODES: Record<IinError, string> = {
  format: 'iin_format',
  century: 'iin_century',
  date: 'iin_date',
  checksum: 'iin_checksum',
};

/** Whole years between two YYYY-MM-DD days. */
export function ageInYears(birthDate: string, onDay: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = onDay.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** IIN, birth date and age rules for the child (used by the bot step by step, too). */
export function checkChildIin(iin: string, now: Date, policy: Policy): FieldError | { birthDate: string } {
  const parsed = parseIin(iin);
  if (!parsed.ok) return { field: 'child.iin', code: IIN_CODES[parsed.error] };
  const today = localDate(now);
  if (parsed.value.birthDate > today) return { field: 'child.iin', code: 'child_not_born' };
  if (ageInYears(parsed.value.birthDate, today) >= policy.maxAgeYears) {
    return { field: 'child.iin', code: 'child_too_old', params: { years: policy.maxAgeYears } };
  }
  return { birthDate: parsed.value.birthDate };
}

export function checkAdultIin(iin: string, field: string): FieldError | null {
  const parsed = parseIin(iin);
  return parsed.ok ? null : { field, code: IIN_CODES[parsed.error] };
}

function shapeErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const missing = issue.code === 'too_small' || (issue.code === 'invalid_type' && issue.input === undefined);
    const code = missing ? 'required' : issue.code === 'too_big' ? 'too_long' : 'invalid';
    return { field: issue.path.join('.'), code };
  });
}

/** Checks that need no database: the form's shape, IINs, age, phones, power of attorney. */
export function validateApplication(
  raw: unknown,
  now: Date,
  policy: Policy,
): { ok: true; value: ParsedInput } | { ok: false; errors: FieldError[] } {
  const parsed = applicationInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: shapeErrors(parsed.error) };
  const input = parsed.data;
  const errors: FieldError[] = [];
  const applicantIin = checkAdultIin(input.applicant.iin, 'applicant.iin');
  if (applicantIin) errors.push(applicantIin);
  const child = checkChildIin(input.child.iin, now, policy);
  if ('code' in child) errors.push(child);
  else if (child.birthDate !== input.child.birthDate) errors.push({ field: 'child.birthDate', code: 'birth_date_mismatch' });
  if (input.child.iin.replace(/\D/g, '') === input.applicant.iin.replace(/\D/g, '')) {
    errors.push({ field: 'child.iin', code: 'iin_same_as_applicant' });
  }
  input.applicant.phones.forEach((p, i) => {
    if (!normalizePhone(p)) errors.push({ field: `applicant.phones.${i}`, code: 'phone_invalid' });
  });
  if (input.applicant.consentAt > now) errors.push({ field: 'applicant.consentAt', code: 'consent_required' });
  if (input.representative) {
    const repIin = checkAdultIin(input.representative.iin, 'representative.iin');
    if (repIin) errors.push(repIin);
    if (input.representative.poaDate > localDate(now)) {
      errors.push({ field: 'representative.poaDate', code: 'date_in_future' });
    }
    if (input.representative.phone && !normalizePhone(input.representative.phone)) {
      errors.push({ field: 'representative.phone', code: 'phone_invalid' });
    }
  }
  if (input.kindergartenIds.length > policy.maxKindergartens) {
    errors.push({ field: 'kindergartenIds', code: 'too_many_kindergartens', params: { max: policy.maxKindergartens } });
  }
  if (new Set(input.kindergartenIds).size !== input.kindergartenIds.length) {
    errors.push({ field: 'kindergartenIds', code: 'duplicate_kindergarten' });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: input };
}

/** Checks against reference data: the district exists, the kindergartens are in it and teach the language. */
async function checkPlaces(db: Queryable, input: ParsedInput): Promise<FieldError[]> {
  const [district] = await db.select({ id: districts.id }).from(districts).where(eq(districts.id, input.districtId));
  if (!district) return [{ field: 'districtId', code: 'district_unknown' }];
  return checkKindergartens(db, input.districtId, input.language, input.kindergartenIds);
}

/** The chosen kindergartens exist, are open, are in the district and teach the language. */
export async function checkKindergartens(
  db: Queryable,
  districtId: number,
  language: 'kk' | 'ru',
  kindergartenIds: readonly number[],
): Promise<FieldError[]> {
  const found = await db
    .select({ id: kindergartens.id, districtId: kindergartens.districtId, languages: kindergartens.languages })
    .from(kindergartens)
    .where(and(inArray(kindergartens.id, [...kindergartenIds]), eq(kindergartens.active, 1)));
  const errors: FieldError[] = [];
  kindergartenIds.forEach((id, i) => {
    const k = found.find((f) => f.id === id);
    if (!k) errors.push({ field: `kindergartenIds.${i}`, code: 'kindergarten_unknown' });
    else if (k.districtId !== districtId) errors.push({ field: `kindergartenIds.${i}`, code: 'kindergarten_wrong_district' });
    else if (!k.languages.includes(language)) {
      errors.push({ field: `kindergartenIds.${i}`, code: 'kindergarten_language' });
    }
  });
  return errors;
}

export async function findActiveApplicationByChildIin(db: Queryable, childIin: string): Promise<Application | null> {
  const [row] = await db
    .select({ application: applications })
    .from(applications)
    .innerJoin(children, eq(children.id, applications.childId))
    .where(and(eq(children.iin, childIin.replace(/\D/g, '')), inArray(applications.status, [...ACTIVE_STATUSES])))
    .limit(1);
  return row?.application ?? null;
}

export async function ensureQueue(tx: Queryable, districtId: number, birthYear: number, language: 'kk' | 'ru') {
  await tx.insert(queues).values({ districtId, birthYear, language }).onConflictDoNothing();
  const [queue] = await tx
    .select()
    .from(queues)
    .where(and(eq(queues.districtId, districtId), eq(queues.birthYear, birthYear), eq(queues.language, language)));
  if (!queue) throw new Error(`queue ${districtId}/${birthYear}/${language} vanished`);
  return queue;
}

export type SubmitResult = { created: true; application: Application } | { created: false; application: Application };

/**
 * Submits an application from any channel. A second attempt for a child with an active
 * application returns that application (created: false) instead of failing; the partial
 * unique index makes this hold under concurrency too. With policy.autoRegister the child is
 * registered in the queue in the same transaction: the 30-minute result, at once.
 */
export async function submitApplication(
  db: Queryable,
  raw: ApplicationInput,
  actor: Actor,
  policy: Policy,
  now: Date = new Date(),
): Promise<SubmitResult> {
  const valid = validateApplication(raw, now, policy);
  if (!valid.ok) throw new ValidationError(valid.errors);
  const input = valid.value;
  const existing = await findActiveApplicationByChildIin(db, input.child.iin);
  if (existing) return { created: false, application: existing };
  const placeErrors = await checkPlaces(db, input);
  if (placeErrors.length) throw new ValidationError(placeErrors);

  return db.transaction(async (tx) => {
    const applicantId = await upsertApplicant(tx, input, now);
    const childId = await upsertChild(tx, input);
    const representativeId = input.representative ? await insertRepresentative(tx, input.representative) : null;
    const birthYear = Number(input.child.birthDate.slice(0, 4));
    const queue = await ensureQueue(tx, input.districtId, birthYear, input.language);
    const [inserted] = await tx
      .insert(applications)
      .values({
        number: sql`to_char(${now.toISOString()}::timestamptz at time zone 'Asia/Almaty', 'YYYY') || '-' || lpad(nextval('application_number_seq')::text, 7, '0')`,
        childId,
        applicantId,
        representativeId,
        districtId: input.districtId,
        queueId: queue.id,
        birthYear,
        language: input.language,
        kindergartenIds: input.kindergartenIds,
        priorityCategory: input.priorityCategory,
        priorityProof: input.priorityCategory === 'none' ? 'none' : 'pending',
        channel: input.channel,
        status: 'submitted',
        statusChangedAt: now,
        registeredAt: now,
        motherWorkplace: input.motherWorkplace ?? null,
        fatherWorkplace: input.fatherWorkplace ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({
        target: applications.childId,
        where: sql`status in ('submitted', 'registered', 'offered', 'referred')`,
      })
      .returning();
    if (!inserted) {
      const [winner] = await tx
        .select()
        .from(applications)
        .where(and(eq(applications.childId, childId), inArray(applications.status, [...ACTIVE_STATUSES])));
      if (!winner) throw new Error('active application vanished after a conflict');
      return { created: false as const, application: winner };
    }
    const submitter: Actor = actor.type === 'parent' ? { type: 'parent', id: applicantId } : actor;
    await audit(tx, submitter, {
      action: 'application.submit',
      entity: 'application',
      entityId: inserted.id,
      to: 'submitted',
      data: { channel: input.channel, representativeId },
      at: now,
    });
    if (!policy.autoRegister) return { created: true as const, application: inserted };
    const registered = await transition(tx, {
      applicationId: inserted.id,
      event: 'register',
      actor: { type: 'system' },
      reason: 'automatic_checks_passed',
      now,
      policy,
    });
    return { created: true as const, application: registered };
  });
}

async function upsertApplicant(tx: Tx, input: ParsedInput, now: Date): Promise<number> {
  const a = input.applicant;
  const phones = a.phones.map((p) => normalizePhone(p) as string);
  const values = {
    iin: a.iin.replace(/\D/g, ''),
    fullName: a.fullName,
    phones,
    phoneVerifiedAt: a.phoneVerified ? now : null,
    address: a.address,
    telegramUserId: a.telegramUserId ?? null,
    language: a.language,
    consentAt: a.consentAt,
  };
  const [row] = await tx
    .insert(applicants)
    .values(values)
    .onConflictDoUpdate({
      target: applicants.iin,
      set: {
        fullName: values.fullName,
        phones: values.phones,
        address: values.address,
        language: values.language,
        consentAt: values.consentAt,
        // Keep an earlier verification or Telegram link when this channel has none.
        phoneVerifiedAt: sql`coalesce(excluded.phone_verified_at, ${applicants.phoneVerifiedAt})`,
        telegramUserId: sql`coalesce(excluded.telegram_user_id, ${applicants.telegramUserId})`,
      },
    })
    .returning({ id: applicants.id });
  return row!.id;
}

async function upsertChild(tx: Tx, input: ParsedInput): Promise<number> {
  const c = input.child;
  const [row] = await tx
    .insert(children)
    .values({
      iin: c.iin.replace(/\D/g, ''),
      fullName: c.fullName,
      birthDate: c.birthDate,
      birthCertificateNumber: c.birthCertificateNumber,
    })
    .onConflictDoUpdate({
      target: children.iin,
      set: { fullName: c.fullName, birthCertificateNumber: c.birthCertificateNumber },
    })
    .returning({ id: children.id });
  return row!.id;
}

async function insertRepresentative(tx: Tx, r: NonNullable<ParsedInput['representative']>): Promise<number> {
  const [row] = await tx
    .insert(representatives)
    .values({
      iin: r.iin.replace(/\D/g, ''),
      fullName: r.fullName,
      phone: r.phone ? normalizePhone(r.phone) : null,
      telegramUserId: r.telegramUserId ?? null,
      poaNumber: r.poaNumber,
      poaDate: r.poaDate,
      poaIssuer: r.poaIssuer,
    })
    .returning({ id: representatives.id });
  return row!.id;
}
