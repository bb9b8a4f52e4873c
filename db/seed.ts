/**
 * Demo data: Almaty, its districts, kindergartens and groups, the first admin account, and a
 * few thousand applications that look like a real district's queues, with the past year's
 * placements (offers, referrals, enrolments) that the expected wait counts. Deterministic for a given
 * PRNG (the admin password excepted: it is random every time and shown once).
 *
 * `npm run seed` (= tsx db/seed.ts [--applications N]) migrates and seeds an empty database;
 * importing this file starts nothing.
 */
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { loadConfigOrExit } from '../core/config.ts';
import { IDENTITY_PROOF } from '../core/applications.ts';
import { localDate, localParts, startOfLocalDay } from '../core/calendar.ts';
import { centreOpen, nextOfficeMoment, officeOpen } from '../core/office-hours.ts';
import { defaultPolicy } from '../core/policy.ts';
import { addWorkingDays } from '../core/working-days.ts';
import { makeIin } from '../core/iin.ts';
import { hashPassword } from '../core/password-hashing.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { bulkInsert, openDatabase, rowsOf, type Database, type Db, type Tx } from './client.ts';
import {
  applicants,
  applications,
  auditLog,
  children,
  districts,
  feedback,
  groups,
  kindergartens,
  localities,
  queues,
  referrals,
  staffUsers,
} from './schema/index.ts';
import {
  ALMATY,
  ALMATY_DISTRICTS,
  GROUP_NAMES,
  KINDERGARTEN_NAMES,
  WORKPLACES,
  between,
  childName,
  homeAddress,
  makeFamily,
  mobilePhone,
  mulberry32,
  parentName,
  pick,
  pickWeighted,
  sample,
  type DistrictSeed,
  type Random,
} from './seed-data.ts';
import type { Language } from '../locales/languages.ts';

/** The demo seed's PRNG seed: the same demo data on every machine. */
export const DEMO_SEED = 20_260_601;
export const DEFAULT_DEMO_APPLICATIONS = 5_000;

const DAY_MS = 86_400_000;

type Sex = 'male' | 'female';
type Status = 'submitted' | 'registered' | 'withdrawn' | 'enrolled' | 'refused';
type ApplicationRow = typeof applications.$inferInsert;
type ApplicantRow = typeof applicants.$inferInsert;
type ChildRow = typeof children.$inferInsert;

export interface SeedOptions {
  logger: Logger;
  /** How many applications to make (default 5,000; 0 = reference data and the admin only), besides the past year's placements. */
  applications?: number;
  now?: Date;
  random?: Random;
}

export interface SeedResult {
  admin: { login: string; password: string };
}

/** A database with no districts has never been seeded (nor filled by staff). */
export async function isEmpty(db: Db): Promise<boolean> {
  const rows = await db.select({ id: districts.id }).from(districts).limit(1);
  return rows.length === 0;
}

/** YYYY-MM-DD of a UTC millisecond count. */
export function dayString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The year in Almaty of an instant (application numbers begin with it). */
export function almatyYear(ms: number): number {
  return localParts(new Date(ms)).year;
}

/**
 * Hands out unique IINs: a serial counter per (birth date, sex), moved past the serials
 * makeIin skips because no check digit exists for them.
 */
export class IinMaker {
  private readonly next = new Map<string, number>();
  constructor(private readonly random: Random) {}

  make(birthDate: string, sex: Sex): string {
    const key = `${birthDate}${sex}`;
    // Start each day somewhere random, as real serials do not start at 0000.
    const serial = this.next.get(key) ?? between(this.random, 1, 3000);
    if (serial > 9999) throw new RangeError(`out of IIN serials for ${birthDate} ${sex}`);
    const iin = makeIin(birthDate, sex, serial);
    this.next.set(key, Number(iin.slice(7, 11)) + 1);
    return iin;
  }
}

interface KindergartenRef {
  id: number;
  districtId: number;
  languages: Language[];
}

interface PlannedApplication {
  family: ReturnType<typeof makeFamily>;
  applicantIndex: number;
  districtIndex: number;
  districtId: number;
  language: Language;
  kindergartenIds: number[];
  birthDate: string;
  sex: Sex;
  registeredAt: number;
  category: ApplicationRow['priorityCategory'];
  proof: ApplicationRow['priorityProof'];
  proofValidUntil: Date | null;
  queueCategory: number;
  status: Status;
  statusChangedAt: number;
  channel: ApplicationRow['channel'];
  /** When the result (registration or refusal) came, if it has: see settleResult. */
  resultAt: number | null;
  twinOf: number | null;
  /** A child placed in the past year: offered a seat, issued a referral, enrolled (see planPlacements). */
  placement?: Placement;
}

interface Placement {
  groupId: number;
  offeredAt: number;
  confirmBy: number;
  issuedAt: number;
  presentBy: number;
  enrolledAt: number;
}

interface GroupRef {
  id: number;
  kindergartenId: number;
  birthYear: number;
  language: Language;
}

const FIRST_PRIORITY = ['disabled_parent', 'no_parental_care', 'orphan', 'large_family', 'war_veteran', 'special_needs'] as const;
const CHANNELS = ['portal', 'centre', 'office', 'bot'] as const;
const CHANNEL_WEIGHTS = [50, 25, 10, 15];

/*
 * The result and its timing (passport 004: 30 minutes from the application to the result).
 * The demo's history is written as the real paths write it (see seedApplications' audit rows):
 * - the bot and the portal: the parent submits, the automatic checks against the state
 *   databases pass and the child is registered at once (submitApplication with autoRegister);
 * - the provider's office and the public service centre (regulation 000 §14): the operator
 *   enters the application, and department staff check the documents, then verify and register
 *   (verifyApplication) or refuse with a reason (changeStatus 'refuse'). They check during the
 *   department's hours, so an application handed in at a centre in the evening or on a Saturday
 *   waits for the next working morning and misses the deadline, as it would in life.
 * People hand in paper applications only while the office or the centre is open (SPEC
 * "Schedule"), so those channels are drawn among the ones open at the application's time.
 */
/** How long a staff check takes once someone picks the application up: most are quick. */
const CHECK_MINUTES: { weight: number; min: number; max: number }[] = [
  { weight: 70, min: 3, max: 15 },
  { weight: 22, min: 15, max: 30 },
  { weight: 8, min: 30, max: 90 },
];

/** A channel open at `ms`: paper applications only while the office or a centre is open. */
function channelAt(random: Random, ms: number): ApplicationRow['channel'] {
  const open = CHANNELS.map((c) => (c === 'office' ? officeOpen(new Date(ms)) : c === 'centre' ? centreOpen(new Date(ms)) : true));
  return CHANNELS[pickWeighted(random, CHANNEL_WEIGHTS.map((w, i) => (open[i] ? w : 0)))]!;
}

/** Staff check the application: when the department next works, plus the check itself. */
function staffCheckAt(random: Random, submittedMs: number): number {
  const slot = CHECK_MINUTES[pickWeighted(random, CHECK_MINUTES.map((c) => c.weight))]!;
  return nextOfficeMoment(new Date(submittedMs)).getTime() + between(random, slot.min * 60, slot.max * 60) * 1000;
}

/** Paper applications are checked by staff; the bot's and the portal's are registered at once. */
const staffChecked = (channel: ApplicationRow['channel']) => channel === 'office' || channel === 'centre';

/**
 * The result and the status it leaves, by the channel's path: `result` is the check's time
 * (the registration or, for the bot and the portal, a refusal after it). A result that would
 * come after `nowMs` has not come yet: the application still waits for its check.
 */
function settleResult(random: Random, app: PlannedApplication, nowMs: number, wanted: Status): void {
  const checkedAt = staffCheckAt(random, app.registeredAt);
  const registeredAt = staffChecked(app.channel) ? checkedAt : app.registeredAt;
  if (registeredAt > nowMs || (wanted === 'refused' && checkedAt > nowMs)) {
    app.status = staffChecked(app.channel) ? 'submitted' : 'registered';
    app.resultAt = staffChecked(app.channel) ? null : app.registeredAt;
    app.statusChangedAt = app.registeredAt;
    return;
  }
  app.status = wanted;
  if (wanted === 'refused') {
    app.resultAt = staffChecked(app.channel) ? checkedAt : app.registeredAt;
    app.statusChangedAt = checkedAt;
    return;
  }
  app.resultAt = registeredAt;
  app.statusChangedAt = wanted === 'registered' || wanted === 'submitted' ? registeredAt : registeredAt + Math.floor(random() * (nowMs - registeredAt));
}

async function insertInBatches<T>(rows: T[], size: number, insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

async function maxId(tx: Tx, table: 'applicants' | 'children' | 'applications' | 'referrals'): Promise<number> {
  const [row] = await rowsOf<{ max: number }>(tx, sql.raw(`select coalesce(max(id), 0)::int as max from ${table}`));
  return row?.max ?? 0;
}

/**
 * Seeds the demo data in one transaction and returns the first admin's one-time password
 * (the caller shows it once; only its argon2id hash is stored).
 */
export async function seedDemo(database: Database, opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const random = opts.random ?? mulberry32(DEMO_SEED);
  const now = opts.now ?? new Date();
  const total = opts.applications ?? DEFAULT_DEMO_APPLICATIONS;
  const password = randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password);

  const counts = await database.db.transaction(async (tx) => {
    const [locality] = await tx
      .insert(localities)
      .values({ kato: ALMATY.kato, nameKk: ALMATY.kk, nameRu: ALMATY.ru })
      .returning({ id: localities.id });
    const districtRows = await tx
      .insert(districts)
      .values(ALMATY_DISTRICTS.map((d) => ({ localityId: locality!.id, code: d.code, nameKk: d.kk, nameRu: d.ru })))
      .returning({ id: districts.id, code: districts.code });
    const districtIds = ALMATY_DISTRICTS.map((d) => districtRows.find((r) => r.code === d.code)!.id);

    const kindergartenRefs = await seedKindergartens(tx, random, districtIds);
    const groupCount = await seedGroups(tx, random, kindergartenRefs, now);

    await tx.insert(staffUsers).values({
      login: 'admin',
      fullName: 'Әкімші / Администратор',
      passwordHash,
      roles: ['admin'],
      language: 'ru',
      mustChangePassword: 1,
    });

    const seeded = total > 0 ? await seedApplications(tx, random, now, total, districtIds, kindergartenRefs, opts.logger) : { applications: 0, queues: 0 };
    const ratings = total > 0 ? await seedRatings(tx, random, now) : 0;
    return { kindergartens: kindergartenRefs.length, groups: groupCount, ...seeded, ratings };
  });
  // Fresh statistics, so the first queries after a seed get good plans.
  await database.db.execute(sql`analyze`);
  opts.logger.info({ ...counts, ms: Math.round(performance.now() - started) }, 'demo data seeded');
  return { admin: { login: 'admin', password } };
}

/** Ratings (1–5) a parent gives an indicator: mostly good, some middling, a few poor. */
const RATING_WEIGHTS = [2, 3, 10, 30, 55];

/**
 * The appendix 6 ratings the bot asks for after a result: about one parent in twelve answers,
 * within a day of the registration or refusal. Rows as core/feedback.ts's submitFeedback writes
 * them, with the time of the answer; "complaints" is left unrated by those who never complained.
 */
async function seedRatings(tx: Tx, random: Random, now: Date): Promise<number> {
  const results = await rowsOf<{ id: number; applicant_id: number; language: Language; at: Date | string }>(
    tx,
    sql`select a.id, a.applicant_id, p.language, a.status_changed_at as at from applications a join applicants p on p.id = a.applicant_id
        where a.status in ('registered', 'refused') and a.status_changed_at > ${new Date(now.getTime() - 365 * 86_400_000).toISOString()}::timestamptz
        order by a.id`,
  );
  const rate = () => pickWeighted(random, RATING_WEIGHTS) + 1;
  const rows: (typeof feedback.$inferInsert)[] = [];
  for (const r of results) {
    if (random() >= 1 / 12) continue;
    const at = Math.min(new Date(r.at).getTime() + between(random, 2, 24 * 60) * 60_000, now.getTime());
    rows.push({
      applicantId: r.applicant_id,
      applicationId: r.id,
      language: r.language,
      withinDeadline: rate(),
      process: rate(),
      information: rate(),
      electronic: rate(),
      complaints: random() < 0.3 ? rate() : null,
      courtesy: rate(),
      createdAt: new Date(at),
    });
  }
  if (rows.length) await tx.insert(feedback).values(rows);
  return rows.length;
}

async function seedKindergartens(tx: Tx, random: Random, districtIds: number[]): Promise<KindergartenRef[]> {
  // Numbers are citywide, as in Almaty («№ 112 балабақша»): a shuffled run of 1..240.
  const numbers = sample(random, Array.from({ length: 240 }, (_, i) => i + 1), 240);
  let n = 0;
  const rows: (typeof kindergartens.$inferInsert)[] = [];
  ALMATY_DISTRICTS.forEach((district, d) => {
    const count = d % 2 === 0 ? 8 : 7;
    const names = sample(random, KINDERGARTEN_NAMES, count);
    for (let i = 0; i < count; i++) {
      const number = numbers[n++]!;
      const name = names[i]!;
      // Every district teaches in both languages somewhere, so every child can rank a choice.
      const languages: Language[] =
        i === 0 ? ['kk', 'ru'] : i === 1 ? ['kk'] : i === 2 ? ['ru'] : pick(random, [['kk'], ['kk'], ['kk'], ['ru'], ['ru'], ['kk', 'ru'], ['kk', 'ru']] as Language[][]);
      const street = pick(random, district.streets);
      const house = between(random, 1, 200);
      rows.push({
        districtId: districtIds[d]!,
        number,
        nameKk: `№ ${number} "${name}" балабақшасы`,
        nameRu: `Детский сад № ${number} "${name}"`,
        addressKk: `Алматы қ., ${street.kk}, ${house}`,
        addressRu: `г. Алматы, ${street.ru}, ${house}`,
        phone: `+7727${between(random, 2_000_000, 3_999_999)}`,
        languages,
      });
    }
  });
  const inserted = await tx
    .insert(kindergartens)
    .values(rows)
    .returning({ id: kindergartens.id, districtId: kindergartens.districtId, languages: kindergartens.languages });
  return inserted;
}

async function seedGroups(tx: Tx, random: Random, refs: KindergartenRef[], now: Date): Promise<number> {
  const year = almatyYear(now.getTime());
  const rows: (typeof groups.$inferInsert)[] = [];
  for (const k of refs) {
    for (let age = 6; age >= 1; age--) {
      for (const language of k.languages) {
        const capacity = between(random, 20, 30);
        // Most groups are nearly full; a few seats are free here and there.
        const free = random() < 0.3 ? 0 : between(random, 1, 4);
        rows.push({
          kindergartenId: k.id,
          name: GROUP_NAMES[age]![language],
          birthYear: year - age,
          language,
          capacity,
          enrolled: capacity - free,
        });
      }
    }
  }
  await insertInBatches(rows, 500, (batch) => tx.insert(groups).values(batch));
  return rows.length;
}

/** One child's application, drawn at random; twins copy it. */
function planApplication(
  random: Random,
  nowMs: number,
  districtIds: number[],
  byDistrictLanguage: Map<string, number[]>,
  applicantIndex: number,
): PlannedApplication {
  const districtIndex = pickWeighted(random, ALMATY_DISTRICTS.map((d) => d.weight));
  const districtId = districtIds[districtIndex]!;
  const ethnicity = random() < 0.72 ? 'kk' : 'ru';
  const language: Language = ethnicity === 'kk' ? (random() < 0.85 ? 'kk' : 'ru') : random() < 0.97 ? 'ru' : 'kk';
  const choices = byDistrictLanguage.get(`${districtId}:${language}`) ?? [];
  const kindergartenIds = sample(random, choices, [1, 2, 3, 3, 3][between(random, 0, 4)]!);

  // Born over the last six years (all under 7 now), registered between birth and now, mostly soon after birth.
  const birthMs = Math.floor(nowMs / DAY_MS) * DAY_MS - between(random, 20, 6 * 365) * DAY_MS;
  const birthDate = dayString(birthMs);
  const wait = Math.max(0, nowMs - birthMs - 3 * DAY_MS);
  const registeredDay = birthMs + 3 * DAY_MS + Math.floor(random() ** 1.6 * (wait / DAY_MS)) * DAY_MS;
  // 09:00–22:59 in Almaty, to the second.
  const registeredAt = Math.min(
    nowMs - 60_000,
    startOfLocalDay(dayString(registeredDay)).getTime() + between(random, 9 * 3600, 23 * 3600 - 1) * 1000,
  );

  let category: ApplicationRow['priorityCategory'] = 'none';
  let proof: ApplicationRow['priorityProof'] = 'none';
  let proofValidUntil: Date | null = null;
  let queueCategory = 2;
  const right = random();
  if (right < 0.01) {
    // Extraordinary: a military service certificate, valid a month (policy.certificateValidityDays).
    category = 'military';
    proof = 'verified';
    proofValidUntil = new Date(nowMs + between(random, 5, 30) * DAY_MS);
    queueCategory = 0;
  } else if (right < 0.09) {
    category = pick(random, FIRST_PRIORITY);
    proof = random() < 0.8 ? 'verified' : 'pending';
    queueCategory = proof === 'verified' ? 1 : 2;
  }

  const ageDays = (nowMs - birthMs) / DAY_MS;
  const s = random();
  let status: Status = 'registered';
  if (s < 0.04) status = 'withdrawn';
  else if (s < 0.08 && ageDays > 2 * 365) status = 'enrolled';
  else if (s < 0.1) status = 'refused';

  const app: PlannedApplication = {
    family: makeFamily(random, ethnicity),
    applicantIndex,
    districtIndex,
    districtId,
    language,
    kindergartenIds,
    birthDate,
    sex: random() < 0.51 ? 'male' : 'female',
    registeredAt,
    category,
    proof,
    proofValidUntil,
    queueCategory,
    status,
    statusChangedAt: registeredAt,
    channel: channelAt(random, registeredAt),
    resultAt: null,
    twinOf: null,
  };
  settleResult(random, app, nowMs, status);
  return app;
}

/** What staff type when the kindergarten reports the child came (core/referrals.ts enrolReferral). */
const ENROLMENT_NOTE: Record<Language, string> = { kk: 'Балабақша баланы қабылдады', ru: 'Детский сад принял ребёнка' };
/** More places are given for the new school year (August) and just after it starts. */
const MONTH_WEIGHTS = [1, 1, 1, 1, 1, 1, 1, 3, 2, 1, 1, 1];
/** Places a queue gets in a year, as a share of the children waiting in it now, with a floor: at least one a month. */
const YEARLY_PLACES_PER_WAITING = 0.3;
const MIN_YEARLY_PLACES = 18;

/**
 * The past year's placements: children who waited in each queue that has groups of its age and
 * got a seat in one of the twelve whole months before now, by the real path (offer, the parent
 * confirms within the window and the referral is issued, the kindergarten reports the child
 * enrolled within the present window). They give core/expected-wait.ts a year of referrals to
 * count; the month still running is left out, so every placement is closed by now.
 */
function planPlacements(
  random: Random,
  nowMs: number,
  planned: PlannedApplication[],
  groupRefs: (GroupRef & { districtId: number })[],
  byDistrictLanguage: Map<string, number[]>,
  districtIds: number[],
  nextApplicant: () => number,
): PlannedApplication[] {
  const policy = defaultPolicy;
  const waiting = new Map<string, number>();
  for (const p of planned) {
    if (p.status !== 'registered') continue;
    const key = `${p.districtId}:${p.birthDate.slice(0, 4)}:${p.language}`;
    waiting.set(key, (waiting.get(key) ?? 0) + 1);
  }
  const groupsOf = new Map<string, GroupRef[]>();
  for (const g of groupRefs) {
    const key = `${g.districtId}:${g.birthYear}:${g.language}`;
    groupsOf.set(key, [...(groupsOf.get(key) ?? []), g]);
  }
  const today = localDate(new Date(nowMs));
  const out: PlannedApplication[] = [];
  for (const [key, count] of [...waiting].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const seats = groupsOf.get(key);
    if (!seats) continue;
    const [districtId, year, language] = [Number(key.split(':')[0]), Number(key.split(':')[1]), key.split(':')[2] as Language];
    const yearly = Math.max(MIN_YEARLY_PLACES, Math.round(count * YEARLY_PLACES_PER_WAITING));
    const weightSum = MONTH_WEIGHTS.reduce((s, w) => s + w, 0);
    for (let back = 12; back >= 1; back--) {
      const first = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1 - back, 1));
      const share = (yearly * MONTH_WEIGHTS[first.getUTCMonth()]!) / weightSum;
      // Some months are slower, some busier: the range the parent sees comes from that spread.
      const places = Math.max(1, Math.round(share * (0.4 + 1.2 * random())));
      for (let i = 0; i < places; i++) {
        const day = dayString(first.getTime() + between(random, 0, 19) * DAY_MS);
        const offeredAt = nextOfficeMoment(new Date(startOfLocalDay(day).getTime() + between(random, 10 * 60, 16 * 60) * 60_000)).getTime();
        // A seat from the age of one: a child not yet one by the offer waits for a later month.
        const lastBirth = Math.min(Date.UTC(year, 11, 31), offeredAt - 366 * DAY_MS);
        const firstBirth = Date.UTC(year, 0, 1);
        if (lastBirth < firstBirth) continue;
        const birthMs = firstBirth + between(random, 0, Math.floor((lastBirth - firstBirth) / DAY_MS)) * DAY_MS;
        const span = Math.floor((offeredAt - 30 * DAY_MS - birthMs) / DAY_MS) - 3;
        if (span < 0) continue;
        const registeredAt =
          startOfLocalDay(dayString(birthMs + (3 + Math.floor(random() ** 1.6 * span)) * DAY_MS)).getTime() + between(random, 9 * 3600, 23 * 3600 - 1) * 1000;
        const channel = channelAt(random, registeredAt);
        const resultAt = staffChecked(channel) ? staffCheckAt(random, registeredAt) : registeredAt;
        const confirmBy = addWorkingDays(new Date(offeredAt), policy.confirmWindowWorkingDays).getTime();
        const issuedAt = Math.min(nextOfficeMoment(new Date(offeredAt + between(random, 1, 40) * 3_600_000)).getTime(), confirmBy - 3_600_000);
        const presentBy = addWorkingDays(new Date(issuedAt), policy.presentWindowWorkingDays).getTime();
        const enrolledAt = Math.min(nextOfficeMoment(new Date(issuedAt + between(random, 1, 4) * DAY_MS)).getTime(), presentBy - 3_600_000);
        const group = pick(random, seats);
        const others = (byDistrictLanguage.get(`${districtId}:${language}`) ?? []).filter((k) => k !== group.kindergartenId);
        const ethnicity = language === 'kk' ? (random() < 0.9 ? 'kk' : 'ru') : random() < 0.8 ? 'ru' : 'kk';
        out.push({
          family: makeFamily(random, ethnicity),
          applicantIndex: nextApplicant(),
          districtIndex: districtIds.indexOf(districtId),
          districtId,
          language,
          kindergartenIds: [group.kindergartenId, ...sample(random, others, between(random, 0, 2))],
          birthDate: dayString(birthMs),
          sex: random() < 0.51 ? 'male' : 'female',
          registeredAt,
          category: 'none',
          proof: 'none',
          proofValidUntil: null,
          queueCategory: 2,
          status: 'enrolled',
          statusChangedAt: enrolledAt,
          channel,
          resultAt,
          twinOf: null,
          placement: { groupId: group.id, offeredAt, confirmBy, issuedAt, presentBy, enrolledAt },
        });
      }
    }
  }
  return out;
}

type AuditRow = Required<Omit<typeof auditLog.$inferInsert, 'id'>>;

/**
 * The audit rows the real paths would have written for this application (submitApplication,
 * verifyApplication, changeStatus), marked as demo data. Staff who checked are not among the
 * demo's accounts: their rows say "staff" without an account. A placement of the past year writes
 * what createOffers, confirmOffer and enrolReferral write; an older enrolment, whose referral the
 * demo does not have, stays one row saying it came from the demo data.
 */
function auditTrail(app: PlannedApplication, id: number, applicantId: number, placed?: { referralId: number; number: string; groupId: number }): AuditRow[] {
  const row = (at: number, actorType: AuditRow['actorType'], action: string, from: Status | 'offered' | 'referred' | null, to: Status | 'offered' | 'referred', reason: string | null, data: Record<string, unknown> = {}): AuditRow => ({
    at: new Date(at),
    actorType,
    actorId: actorType === 'parent' ? applicantId : null,
    action: `application.${action}`,
    entity: 'application',
    entityId: id,
    fromState: from,
    toState: to,
    reason,
    data: { ...data, demo: true },
  });
  const paper = staffChecked(app.channel);
  const rows = [row(app.registeredAt, paper ? 'staff' : 'parent', 'submit', null, 'submitted', null, { channel: app.channel, representativeId: null })];
  if (app.status === 'submitted') return rows;
  if (app.status === 'refused' && paper) {
    rows.push(row(app.statusChangedAt, 'staff', 'refuse', 'submitted', 'refused', 'documents_mismatch'));
    return rows;
  }
  if (paper) {
    rows.push(row(app.resultAt!, 'staff', 'verify', 'submitted', 'registered', null, { documents: [] }));
    rows.push(row(app.resultAt!, 'staff', 'register', 'submitted', 'registered', 'documents_verified'));
  } else {
    rows.push(row(app.registeredAt, 'system', 'register', 'submitted', 'registered', 'automatic_checks_passed'));
  }
  if (app.status === 'refused') rows.push(row(app.statusChangedAt, 'staff', 'refuse', 'registered', 'refused', 'documents_mismatch'));
  if (app.status === 'withdrawn') rows.push(row(app.statusChangedAt, 'parent', 'withdraw', 'registered', 'withdrawn', null));
  if (app.status === 'enrolled' && placed) {
    const { referralId, number, groupId } = placed;
    const p = app.placement!;
    rows.push(row(p.offeredAt, 'system', 'offer', 'registered', 'offered', null, { referralId, groupId, roundId: null }));
    rows.push(row(p.issuedAt, 'parent', 'confirm', 'offered', 'referred', null, { referralId, referralNumber: number }));
    rows.push(row(p.enrolledAt, 'staff', 'enrol', 'referred', 'enrolled', ENROLMENT_NOTE[app.language], { referralId, referralNumber: number, channel: 'kindergarten' }));
  } else if (app.status === 'enrolled') rows.push(row(app.statusChangedAt, 'system', 'seed', 'registered', 'enrolled', null));
  return rows;
}

async function seedApplications(
  tx: Tx,
  random: Random,
  now: Date,
  total: number,
  districtIds: number[],
  refs: KindergartenRef[],
  logger: Logger,
): Promise<{ applications: number; queues: number }> {
  let t = performance.now();
  const lap = (what: string) => {
    logger.debug({ ms: Math.round(performance.now() - t) }, `seed: ${what}`);
    t = performance.now();
  };
  const nowMs = now.getTime();
  const byDistrictLanguage = new Map<string, number[]>();
  for (const k of refs) {
    for (const language of k.languages) {
      const key = `${k.districtId}:${language}`;
      byDistrictLanguage.set(key, [...(byDistrictLanguage.get(key) ?? []), k.id]);
    }
  }

  // A handful of twin pairs: same family and birth date, registered together.
  const twinPairs = total >= 50 ? Math.max(2, Math.round(total / 1000)) : 0;
  const twinAt = new Set(sample(random, Array.from({ length: total - 1 }, (_, i) => i), twinPairs));
  const planned: PlannedApplication[] = [];
  let applicantCount = 0;
  while (planned.length < total) {
    const app = planApplication(random, nowMs, districtIds, byDistrictLanguage, applicantCount++);
    planned.push(app);
    if (twinAt.has(planned.length - 1) && planned.length < total) {
      // Twins wait (and will be offered places) together: handed in together, checked together.
      settleResult(random, app, nowMs, 'registered');
      const twinAtMs = Math.min(app.registeredAt + between(random, 1, 5) * 60_000, nowMs - 1000);
      const twin: PlannedApplication = { ...app, sex: random() < 0.5 ? 'male' : 'female', registeredAt: twinAtMs, twinOf: planned.length - 1 };
      if (staffChecked(twin.channel)) {
        twin.resultAt = app.resultAt === null ? null : Math.max(app.resultAt, twinAtMs);
        twin.statusChangedAt = twin.resultAt ?? twinAtMs;
      } else {
        twin.resultAt = twinAtMs;
        twin.statusChangedAt = twinAtMs;
      }
      planned.push(twin);
    }
  }
  const groupRefs = await rowsOf<GroupRef & { districtId: number }>(
    tx,
    sql`select g.id, g.kindergarten_id as "kindergartenId", g.birth_year as "birthYear", g.language, k.district_id as "districtId"
        from groups g join kindergartens k on k.id = g.kindergarten_id order by g.id`,
  );
  planned.push(...planPlacements(random, nowMs, planned, groupRefs, byDistrictLanguage, districtIds, () => applicantCount++));
  // Ids, numbers and queue numbers follow registration time, as they would have been handed out.
  const order = planned.map((_, i) => i).sort((a, b) => planned[a]!.registeredAt - planned[b]!.registeredAt || a - b);
  const rank = new Array<number>(planned.length);
  order.forEach((p, r) => (rank[p] = r));
  if (order.some((p) => planned[p]!.twinOf !== null && rank[p]! < rank[planned[p]!.twinOf!]!)) {
    throw new Error('seed: a twin registered before its sibling');
  }

  // Queues: one per district × birth year × language that has applications.
  const queueKey = (p: PlannedApplication) => `${p.districtId}:${p.birthDate.slice(0, 4)}:${p.language}`;
  const keys = [...new Set(planned.map(queueKey))];
  await tx
    .insert(queues)
    .values(
      keys.map((k) => {
        const [d, y, l] = k.split(':');
        return { districtId: Number(d), birthYear: Number(y), language: l as Language };
      }),
    )
    .onConflictDoNothing();
  const queueRows = await tx.select().from(queues);
  const queueIdOf = new Map(queueRows.map((q) => [`${q.districtId}:${q.birthYear}:${q.language}`, q.id]));
  const lastNumber = new Map<number, number>(queueRows.map((q) => [q.id, q.lastNumber]));

  const [seq] = await rowsOf<{ last: string | number }>(
    tx,
    sql`select setval('application_number_seq', nextval('application_number_seq') + ${planned.length - 1}) as last`,
  );
  const firstNumber = Number(seq!.last) - planned.length + 1;
  const applicantBase = await maxId(tx, 'applicants');
  const childBase = await maxId(tx, 'children');
  const applicationBase = await maxId(tx, 'applications');

  // Referral numbers, like application numbers, follow the time they were issued.
  const referralBase = await maxId(tx, 'referrals');
  const [referralSeq] = await rowsOf<{ last: string | number }>(tx, sql`select nextval('referral_number_seq') as last`);
  const placedOrder = planned.map((_, i) => i).filter((i) => planned[i]!.placement).sort((a, b) => planned[a]!.placement!.issuedAt - planned[b]!.placement!.issuedAt || a - b);
  const referralOf = new Map(placedOrder.map((p, k) => [p, k]));
  const referralRows: (typeof referrals.$inferInsert)[] = [];

  const iins = new IinMaker(random);
  const applicantRows: ApplicantRow[] = [];
  const applicantIdOf = new Map<number, number>();
  const childRows: ChildRow[] = [];
  const applicationRows: ApplicationRow[] = [];
  const auditRows: AuditRow[] = [];

  order.forEach((p, r) => {
    const app = planned[p]!;
    const id = applicationBase + r + 1;
    const registeredAt = new Date(app.registeredAt);
    const district = ALMATY_DISTRICTS[app.districtIndex] as DistrictSeed;

    let applicantId = applicantIdOf.get(app.applicantIndex);
    if (applicantId === undefined) {
      applicantId = applicantBase + applicantRows.length + 1;
      applicantIdOf.set(app.applicantIndex, applicantId);
      const parentSex: Sex = random() < 0.65 ? 'female' : 'male';
      const childYear = Number(app.birthDate.slice(0, 4));
      const parentYear = between(random, 1975, Math.min(2000, childYear - 19));
      const parentBirth = dayString(Date.UTC(parentYear, 0, 1) + between(random, 0, 364) * DAY_MS);
      const phones = random() < 0.15 ? [mobilePhone(random), mobilePhone(random)] : [mobilePhone(random)];
      applicantRows.push({
        id: applicantId,
        iin: iins.make(parentBirth, parentSex),
        fullName: parentName(random, app.family, parentSex),
        phones,
        phoneVerifiedAt: app.channel === 'bot' || random() < 0.5 ? registeredAt : null,
        address: homeAddress(random, district, app.language),
        language: app.language,
        consentAt: registeredAt,
        // What the channel of the family's first application proved (the bot: a claim only).
        identityProof: IDENTITY_PROOF[app.channel],
        createdAt: registeredAt,
      });
    }

    const childId = childBase + childRows.length + 1;
    childRows.push({
      id: childId,
      iin: iins.make(app.birthDate, app.sex),
      fullName: childName(random, app.family, app.sex),
      birthDate: app.birthDate,
      birthCertificateNumber: String(between(random, 1_000_000, 9_999_999)),
      createdAt: registeredAt,
    });

    const queueId = queueIdOf.get(queueKey(app))!;
    let queueNumber: number | null = null;
    // Numbered when registered: not while waiting for the check, nor when refused at the check.
    const wasRegistered = app.status !== 'submitted' && !(app.status === 'refused' && staffChecked(app.channel));
    if (wasRegistered) {
      queueNumber = (lastNumber.get(queueId) ?? 0) + 1;
      lastNumber.set(queueId, queueNumber);
    }
    const number = `${almatyYear(app.registeredAt)}-${String(firstNumber + r).padStart(7, '0')}`;
    const mother = random() < 0.8 ? pick(random, WORKPLACES)[app.language] : null;
    const father = random() < 0.7 ? pick(random, WORKPLACES)[app.language] : null;
    applicationRows.push({
      id,
      number,
      childId,
      applicantId,
      districtId: app.districtId,
      queueId,
      birthYear: Number(app.birthDate.slice(0, 4)),
      language: app.language,
      kindergartenIds: app.kindergartenIds,
      priorityCategory: app.category,
      priorityProof: app.proof,
      priorityProofValidUntil: app.proofValidUntil,
      queueCategory: app.queueCategory,
      channel: app.channel,
      status: app.status,
      statusChangedAt: new Date(app.statusChangedAt),
      registeredAt,
      queueNumber,
      twinGroupId: app.twinOf === null ? null : applicationBase + rank[app.twinOf]! + 1,
      refusalReason: app.status === 'refused' ? 'documents_mismatch' : null,
      motherWorkplace: mother,
      fatherWorkplace: father,
      createdAt: registeredAt,
      updatedAt: new Date(app.statusChangedAt),
    });
    const k = referralOf.get(p);
    let placed: { referralId: number; number: string; groupId: number } | undefined;
    if (k !== undefined) {
      const pl = app.placement!;
      placed = { referralId: referralBase + k + 1, number: `${almatyYear(pl.issuedAt)}-${String(Number(referralSeq!.last) + k).padStart(6, '0')}`, groupId: pl.groupId };
      referralRows.push({
        id: placed.referralId,
        number: placed.number,
        applicationId: id,
        groupId: pl.groupId,
        status: 'enrolled',
        offeredAt: new Date(pl.offeredAt),
        confirmBy: new Date(pl.confirmBy),
        issuedAt: new Date(pl.issuedAt),
        presentBy: new Date(pl.presentBy),
        closedAt: new Date(pl.enrolledAt),
      });
    }
    auditRows.push(...auditTrail(app, id, applicantId, placed));
  });
  // The first twin points at itself too, so a twin group is every row with that id.
  for (const row of applicationRows) {
    if (row.twinGroupId != null) {
      const first = applicationRows[row.twinGroupId - applicationBase - 1]!;
      first.twinGroupId = row.twinGroupId;
    }
  }

  lap('planned');
  await insertInBatches(applicantRows, 1000, (batch) => tx.insert(applicants).values(batch));
  await insertInBatches(childRows, 1000, (batch) => tx.insert(children).values(batch));
  lap('applicants and children inserted');
  // The queue_counts trigger counts these as they go in (cheap at this size).
  await insertInBatches(applicationRows, 500, (batch) => tx.insert(applications).values(batch));
  lap('applications inserted');
  await bulkInsert(tx, auditLog, auditRows);
  lap('audit rows inserted');
  // The queue_places trigger counts them per queue and month, as it does for every referral.
  await insertInBatches(referralRows, 1000, (batch) => tx.insert(referrals).values(batch));
  if (referralRows.length) {
    await tx.execute(sql`select setval('referral_number_seq', ${Number(referralSeq!.last) + referralRows.length - 1})`);
  } else {
    await tx.execute(sql`select setval('referral_number_seq', ${Number(referralSeq!.last)}, false)`);
  }
  lap('referrals inserted');

  for (const table of ['applicants', 'children', 'applications', 'referrals'] as const) {
    await tx.execute(sql.raw(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`));
  }
  await tx.execute(sql`
    update queues q set last_number = x.n
    from (select queue_id, max(queue_number) as n from applications group by queue_id) x
    where q.id = x.queue_id and x.n is not null`);
  return { applications: applicationRows.length, queues: keys.length };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { applications: { type: 'string' } } });
  const applicationsWanted = values.applications === undefined ? DEFAULT_DEMO_APPLICATIONS : Number(values.applications);
  if (!Number.isInteger(applicationsWanted) || applicationsWanted < 0) {
    console.error('--applications must be a whole number ≥ 0');
    process.exit(2);
  }
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
  try {
    await database.migrate();
    if (!(await isEmpty(database.db))) {
      console.log(`Database already seeded (${database.kind}): nothing to do.`);
      return;
    }
    const seeded = await seedDemo(database, { logger, applications: applicationsWanted });
    // Printed once, never stored in clear: the admin must change it at first login.
    console.log(`\n  First admin account: login "${seeded.admin.login}", one-time password "${seeded.admin.password}"\n`);
  } finally {
    await database.close();
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
