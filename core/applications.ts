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
  type SubmittedChild,
} from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import { localDate } from './calendar.ts';
import { ValidationError, type FieldError } from './errors.ts';
import { parseIin, type IinError } from './iin.ts';
import { normalizePhone } from './phone.ts';
import type { Policy } from './policy.ts';
import { ACTIVE_STATUSES, transition, type Application } from './status.ts';
import type { Language } from '../locales/languages.ts';
import { languageSchema } from './input.ts';
import { cleanName, nameProblem } from './person-name.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const applicationInputSchema = z.object({
  applicant: z.object({
    iin: z.string(),
    fullName: text(200),
    phones: z.array(z.string()).min(1).max(3),
    phoneVerified: z.boolean().default(false),
    address: text(500),
    telegramUserId: z.number().int().positive().nullish(),
    language: languageSchema,
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
  language: languageSchema,
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

export function ageInYears(birthDate: string, onDay: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = onDay.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

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

export function checkAdultIin(iin: string, field: string, now: Date, policy: Policy): FieldError | null {
  const parsed = parseIin(iin);
  if (!parsed.ok) return { field, code: IIN_CODES[parsed.error] };
  if (ageInYears(parsed.value.birthDate, localDate(now)) < policy.minApplicantAgeYears) {
    return { field, code: 'applicant_too_young', params: { years: policy.minApplicantAgeYears } };
  }
  return null;
}

function shapeErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const missing = issue.code === 'too_small' || (issue.code === 'invalid_type' && issue.input === undefined);
    const code = missing ? 'required' : issue.code === 'too_big' ? 'too_long' : 'invalid';
    return { field: issue.path.join('.'), code };
  });
}

export function validateApplication(
  raw: unknown,
  now: Date,
  policy: Policy,
): { ok: true; value: ParsedInput } | { ok: false; errors: FieldError[] } {
  const parsed = applicationInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: shapeErrors(parsed.error) };
  const input = parsed.data;
  const errors: FieldError[] = [];
  const applicantIin = checkAdultIin(input.applicant.iin, 'applicant.iin', now, policy);
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
    const repIin = checkAdultIin(input.representative.iin, 'representative.iin', now, policy);
    if (repIin) errors.push(repIin);
    if (input.representative.poaDate > localDate(now)) {
      errors.push({ field: 'representative.poaDate', code: 'date_in_future' });
    }
    if (input.representative.phone && !normalizePhone(input.representative.phone)) {
      errors.push({ field: 'representative.phone', code: 'phone_invalid' });
    }
  }
  const names: [string, string | undefined][] = [
    ['applicant.fullName', input.applicant.fullName],
    ['representative.fullName', input.representative?.fullName],
    ['child.fullName', input.child.fullName],
  ];
  for (const [field, name] of names) {
    const problem = name === undefined ? null : nameProblem(cleanName(name));
    if (problem) errors.push({ field, ...problem });
  }
  if (input.kindergartenIds.length > policy.maxKindergartens) {
    errors.push({ field: 'kindergartenIds', code: 'too_many_kindergartens', params: { count: policy.maxKindergartens } });
  }
  if (new Set(input.kindergartenIds).size !== input.kindergartenIds.length) {
    errors.push({ field: 'kindergartenIds', code: 'duplicate_kindergarten' });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: input };
}

async function checkPlaces(db: Queryable, input: ParsedInput): Promise<FieldError[]> {
  const [district] = await db.select({ id: districts.id }).from(districts).where(eq(districts.id, input.districtId));
  if (!district) return [{ field: 'districtId', code: 'district_unknown' }];
  return checkKindergartens(db, input.districtId, input.language, input.kindergartenIds);
}

export async function checkKindergartens(
  db: Queryable,
  districtId: number,
  language: Language,
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

export async function ensureQueue(tx: Queryable, districtId: number, birthYear: number, language: Language) {
  await tx.insert(queues).values({ districtId, birthYear, language }).onConflictDoNothing();
  const [queue] = await tx
    .select()
    .from(queues)
    .where(and(eq(queues.districtId, districtId), eq(queues.birthYear, birthYear), eq(queues.language, language)));
  if (!queue) throw new Error(`queue ${districtId}/${birthYear}/${language} vanished`);
  return queue;
}

export type SubmitResult = { created: true; application: Application } | { created: false; application: Application };

const digitsOf = (iin: string) => iin.replace(/\D/g, '');

/** What each channel proves about the applicant's IIN (README "Who is applying"). */
export const IDENTITY_PROOF: Record<ParsedInput['channel'], IdentityProof> = {
  bot: 'claimed',
  office: 'document',
  centre: 'document',
  portal: 'signature',
};
export type IdentityProof = (typeof applicants.identityProof.enumValues)[number];

class LostRace extends Error {
  constructor(readonly winner: Application) {
    super('an active application for this child committed first');
  }
}

/**
 * One transaction under a lock on the child's IIN, so submissions for one child run in turn. A
 * child with an active application gets that one back (created: false) and only an audit row.
 * An existing child's record is never changed: differences stay on the application for staff.
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
  const childIin = digitsOf(input.child.iin);

  return db.transaction(async (tx) => {
    // Held until commit: a second submission for this child waits here, then sees the first one's application.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`child:${childIin}`}))`);
    const existing = await findActiveApplicationByChildIin(tx, childIin);
    if (existing) return duplicate(tx, existing, input, actor, now);
    const placeErrors = await checkPlaces(tx, input);
    if (placeErrors.length) throw new ValidationError(placeErrors);

    let inserted: Application;
    try {
      // A savepoint: should an active application appear without this lock (a writer other than
      // this function), the partial unique index refuses ours and the person writes are undone.
      inserted = await tx.transaction(async (sp) => {
        const child = await childFor(sp, input);
        const applicantId = await applicantFor(sp, input, now);
        const representativeId = input.representative ? await insertRepresentative(sp, input.representative) : null;
        const birthYear = Number(input.child.birthDate.slice(0, 4));
        const queue = await ensureQueue(sp, input.districtId, birthYear, input.language);
        const [row] = await sp
          .insert(applications)
          .values({
            number: sql`to_char(${now.toISOString()}::timestamptz at time zone 'Asia/Almaty', 'YYYY') || '-' || lpad(nextval('application_number_seq')::text, 7, '0')`,
            childId: child.id,
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
            submittedChild: child.submitted,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing({
            target: applications.childId,
            where: sql`status in ('submitted', 'registered', 'offered', 'referred')`,
          })
          .returning();
        if (!row) {
          const [winner] = await sp
            .select()
            .from(applications)
            .where(and(eq(applications.childId, child.id), inArray(applications.status, [...ACTIVE_STATUSES])));
          if (!winner) throw new Error('active application vanished after a conflict');
          throw new LostRace(winner);
        }
        return row;
      });
    } catch (err) {
      if (err instanceof LostRace) return duplicate(tx, err.winner, input, actor, now);
      throw err;
    }
    const submitter: Actor = actor.type === 'parent' ? { type: 'parent', id: inserted.applicantId } : actor;
    await audit(tx, submitter, {
      action: 'application.submit',
      entity: 'application',
      entityId: inserted.id,
      to: 'submitted',
      data: { channel: input.channel, representativeId: inserted.representativeId },
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

/** A second submission for a child with an active application: only the attempt is recorded. */
async function duplicate(tx: Tx, existing: Application, input: ParsedInput, actor: Actor, now: Date): Promise<SubmitResult> {
  await audit(tx, actor, {
    action: 'application.submit_duplicate',
    entity: 'application',
    entityId: existing.id,
    data: {
      channel: input.channel,
      telegramUserId: input.representative?.telegramUserId ?? input.applicant.telegramUserId ?? null,
    },
    at: now,
  });
  return { created: false, application: existing };
}

/**
 * The bot reuses only the record its own Telegram account made for this IIN: a typed IIN is a
 * claim. Channels that prove the IIN (office, centre, portal) share one record per IIN.
 */
async function applicantFor(tx: Tx, input: ParsedInput, now: Date): Promise<number> {
  const a = input.applicant;
  const proof = IDENTITY_PROOF[input.channel];
  const values = {
    iin: digitsOf(a.iin),
    fullName: a.fullName,
    phones: a.phones.map((p) => normalizePhone(p) as string),
    phoneVerifiedAt: a.phoneVerified ? now : null,
    address: a.address,
    telegramUserId: a.telegramUserId ?? null,
    language: a.language,
    consentAt: a.consentAt,
    identityProof: proof,
  };
  const set = {
    fullName: values.fullName,
    phones: values.phones,
    address: values.address,
    language: values.language,
    consentAt: values.consentAt,
    // An earlier verification holds only while the main phone is the same.
    phoneVerifiedAt: sql`case when ${applicants.phones}[1] = excluded.phones[1]
      then coalesce(excluded.phone_verified_at, ${applicants.phoneVerifiedAt}) else excluded.phone_verified_at end`,
  };
  const insert = tx.insert(applicants).values(values);
  const [row] =
    proof !== 'claimed'
      ? await insert
          .onConflictDoUpdate({
            target: applicants.iin,
            targetWhere: sql`identity_proof <> 'claimed'`,
            // Keep a Telegram link when this channel has none.
            set: { ...set, telegramUserId: sql`coalesce(excluded.telegram_user_id, ${applicants.telegramUserId})` },
          })
          .returning({ id: applicants.id })
      : values.telegramUserId !== null
        ? await insert
            .onConflictDoUpdate({ target: [applicants.telegramUserId, applicants.iin], targetWhere: sql`identity_proof = 'claimed'`, set })
            .returning({ id: applicants.id })
        : await insert.returning({ id: applicants.id });
  return row!.id;
}

const sameName = (x: string, y: string) => x.toLocaleLowerCase('kk').replace(/\s+/g, ' ').trim() === y.toLocaleLowerCase('kk').replace(/\s+/g, ' ').trim();
const sameCertificate = (x: string | null, y: string) => (x ?? '').replace(/[\s.-]/g, '').toUpperCase() === y.replace(/[\s.-]/g, '').toUpperCase();

async function childFor(tx: Tx, input: ParsedInput): Promise<{ id: number; submitted: SubmittedChild | null }> {
  const c = input.child;
  const iin = digitsOf(c.iin);
  const [created] = await tx
    .insert(children)
    .values({ iin, fullName: c.fullName, birthDate: c.birthDate, birthCertificateNumber: c.birthCertificateNumber })
    .onConflictDoNothing({ target: children.iin })
    .returning({ id: children.id });
  if (created) return { id: created.id, submitted: null };
  const [known] = await tx.select().from(children).where(eq(children.iin, iin));
  if (!known) throw new Error(`child ${iin} vanished after a conflict`);
  const differs = !sameName(known.fullName, c.fullName) || !sameCertificate(known.birthCertificateNumber, c.birthCertificateNumber);
  return { id: known.id, submitted: differs ? { fullName: c.fullName, birthCertificateNumber: c.birthCertificateNumber } : null };
}

async function insertRepresentative(tx: Tx, r: NonNullable<ParsedInput['representative']>): Promise<number> {
  const [row] = await tx
    .insert(representatives)
    .values({
      iin: digitsOf(r.iin),
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
