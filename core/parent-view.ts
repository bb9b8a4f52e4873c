/**
 * What the bot shows a parent: their applications ("My applications"), the details they gave
 * last time, offered again, and the language they chose. Only what core/parent-visibility.ts
 * lets the account see.
 */
import { desc, eq, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client.ts';
import { applications, children, districts, queues } from '../db/schema/index.ts';
import type { DocumentKind } from './attachments.ts';
import { certificateWarning, type CertificateWarning } from './certificates.ts';
import { estimateWait, monthsOf, placesLastYearSql, type ExpectedWait } from './expected-wait.ts';
import { maskIin } from './iin.ts';
import { boundApplicantIds, visibleApplicationIds } from './parent-visibility.ts';
import type { Policy } from './policy.ts';
import { CATEGORY_OPEN } from './priority-claims.ts';
import { getPositions, positionFromRow, type QueuePosition, type QueuePositionRow } from './position.ts';
import { eventsFrom, type Application, type ApplicationStatus } from './status.ts';
import type { Language } from '../locales/languages.ts';

export interface ParentKindergarten {
  id: number;
  number: number;
  nameKk: string;
  nameRu: string;
}

export interface ParentReferral {
  id: number;
  number: string | null;
  status: 'offered' | 'issued';
  confirmBy: string;
  presentBy: string | null;
  extendedUntil: string | null;
  kindergarten: ParentKindergarten & { addressKk: string; addressRu: string };
}

/** A waiting child's place as the parent sees it: the position and who is ahead, by list. */
export interface ParentPosition {
  position: number;
  ahead: QueuePosition['ahead'];
}

/** A position the caller saw before, with the stamp of its queue then (see queueStamp). */
export interface KnownPosition {
  stamp: string;
  position: ParentPosition;
}

/** What the bot shows a parent about one application ("My applications"). */
export interface ParentApplication {
  id: number;
  applicantId: number;
  districtId: number;
  number: string;
  status: ApplicationStatus;
  statusChangedAt: Date;
  registeredAt: Date;
  queueNumber: number | null;
  birthYear: number;
  language: Language;
  priorityCategory: Application['priorityCategory'];
  priorityProof: Application['priorityProof'];
  /** When a right claimed without its proof must be proven (core/priority-claims.ts). */
  priorityProofDueAt: Date | null;
  /** A work certificate that may lapse before it is verified, or lapses soon (core/certificates.ts). */
  certificateWarning: CertificateWarning | null;
  refusalReason: string | null;
  child: { fullName: string; maskedIin: string; birthDate: string };
  district: { nameKk: string; nameRu: string };
  kindergartens: ParentKindergarten[];
  position: ParentPosition | null;
  /** The queue's stamp for `position` (null unless waiting): unchanged stamp, unchanged position. */
  positionStamp: string | null;
  referral: ParentReferral | null;
  /** How long a waiting child is likely to wait (null unless waiting with a known position). */
  wait: ExpectedWait | null;
  queueId: number;
  /** Its private open-queue code if one was made (core/open-queue.ts openQueueCodesFor decides when it shows). */
  openQueueCode: string | null;
  /** Documents the applicant still has to send (none rejected or pending counts as sent). */
  missingDocuments: DocumentKind[];
  /** What the parent may do from the bot now. */
  actions: ParentAction[];
}

export type ParentAction = 'withdraw' | 'kindergartens' | 'phone' | 'document' | 'category';

const json = <T>(v: T | string | null): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const day = (v: string | Date): string => (typeof v === 'string' ? v.slice(0, 10) : v.toISOString().slice(0, 10));

type PositionJson = Omit<QueuePositionRow, 'registered_at'> & { registered_at: string };

/**
 * A stamp that changes whenever a waiting child's position can change. A position depends only
 * on the queue's waiting children (each list's order) and its phase. Every child that joins or
 * leaves a list, or moves in it, rewrites that list's level-0 row of queue_counts (the trigger of
 * migration 0001, whatever the writer), and the phase lives in the queues row: the transaction
 * ids (xmin) of those rows change with every committed change, and one statement reads the stamp
 * and the position in the same snapshot. So a position seen under a stamp is still exact while
 * the stamp is the same, and "My applications" need not compute it again.
 */
const queueStamp = sql`coalesce((select string_agg(c.category || ':' || c.xmin::text, ',' order by c.category) from queue_counts c
   where c.queue_id = ${applications.queueId} and c.category in (0, 1, 2) and c.level = 0 and c.bucket = 0), '-')
  || ';' || ${queues.phase} || '.' || ${queues}.xmin::text`;

/**
 * "My applications" in one round trip whatever the number of children, prepared (planned once
 * per connection: planning this statement costs more than running it). Positions come from
 * queue_position() of core/position.ts, and only for stamps the caller does not already know.
 */
function parentApplicationsQuery(db: Queryable) {
  return db
    .select({
      id: applications.id,
      applicantId: applications.applicantId,
      districtId: applications.districtId,
      representativeId: applications.representativeId,
      number: applications.number,
      status: applications.status,
      statusChangedAt: applications.statusChangedAt,
      registeredAt: applications.registeredAt,
      queueNumber: applications.queueNumber,
      birthYear: applications.birthYear,
      language: applications.language,
      priorityCategory: applications.priorityCategory,
      priorityProof: applications.priorityProof,
      priorityProofDueAt: applications.priorityProofDueAt,
      priorityProofValidUntil: applications.priorityProofValidUntil,
      proofSentAt: sql<string | Date | null>`case when ${applications.priorityProof} = 'pending' then (
        select max(x.created_at) from documents x where x.application_id = ${applications.id}
           and x.kind = 'priority_proof' and x.verification <> 'rejected') end`,
      refusalReason: applications.refusalReason,
      childName: children.fullName,
      childIin: children.iin,
      birthDate: children.birthDate,
      districtKk: districts.nameKk,
      districtRu: districts.nameRu,
      kindergartens: sql<ParentKindergarten[] | string | null>`(
        select json_agg(json_build_object('id', k.id, 'number', k.number, 'nameKk', k.name_kk, 'nameRu', k.name_ru)
                        order by array_position(${applications.kindergartenIds}, k.id))
          from kindergartens k where k.id = any(${applications.kindergartenIds}))`,
      // Each sub-select runs only where it can find something: most children just wait.
      referral: sql<ParentReferral | string | null>`case when ${applications.status} in ('offered', 'referred') then (
        select json_build_object('id', r.id, 'number', r.number, 'status', r.status, 'confirmBy', r.confirm_by,
                 'presentBy', r.present_by, 'extendedUntil', r.extended_until,
                 'kindergarten', json_build_object('id', k.id, 'number', k.number, 'nameKk', k.name_kk, 'nameRu', k.name_ru,
                                                   'addressKk', k.address_kk, 'addressRu', k.address_ru))
          from referrals r join groups g on g.id = r.group_id join kindergartens k on k.id = g.kindergarten_id
         where r.application_id = ${applications.id} and r.status in ('offered', 'issued')
         order by r.id desc limit 1) end`,
      hasProof: sql<boolean>`case when ${applications.priorityCategory} = 'none' then false else exists(
        select 1 from documents x where x.application_id = ${applications.id}
           and x.kind = 'priority_proof' and x.verification <> 'rejected') end`,
      hasPoa: sql<boolean>`case when ${applications.representativeId} is null then false else exists(
        select 1 from documents x where x.application_id = ${applications.id}
           and x.kind = 'power_of_attorney' and x.verification <> 'rejected') end`,
      positionStamp: sql<string | null>`s.stamp`,
      position: sql<PositionJson | string | null>`case when s.stamp is not null
        and (${applications.id} || '@' || s.stamp) <> all(string_to_array(${sql.placeholder('known')}, ' ')) then (
        select row_to_json(p) from queue_position(${applications.id}) p) end`,
      placesLastYear: sql<number[] | string | null>`case when ${applications.status} = 'registered'
        then ${placesLastYearSql(applications.queueId)} end`,
      queueId: applications.queueId,
      openQueueCode: sql<string | null>`(select o.code from open_queue_codes o where o.application_id = ${applications.id})`,
    })
    .from(applications)
    .innerJoin(children, eq(children.id, applications.childId))
    .innerJoin(districts, eq(districts.id, applications.districtId))
    .innerJoin(queues, eq(queues.id, applications.queueId))
    // Computed once per row ("offset 0" keeps the planner from copying it into both uses).
    .crossJoinLateral(sql`(select case when ${applications.status} = 'registered' then ${queueStamp} end as stamp offset 0) as s`)
    // = any(array(…)): an index lookup per visible id; "in (union …)" let the planner guess
    // thousands of rows from an empty branch and hash the whole table.
    .where(sql`${applications.id} = any(array${visibleApplicationIds(sql.placeholder('telegramUserId'))})`)
    .orderBy(
      sql`(${applications.status} in ('submitted', 'registered', 'offered', 'referred')) desc`,
      desc(applications.createdAt),
      desc(applications.id),
    )
    .limit(sql.placeholder('limit'))
    .prepare('parent_applications');
}

const preparedFor = new WeakMap<object, ReturnType<typeof parentApplicationsQuery>>();

/** Statuses in which the parent may still change the kindergartens they rank. */
const KINDERGARTENS_OPEN: readonly ApplicationStatus[] = ['submitted', 'registered'];

/** Every application this account may see, active ones first, with positions. */
export async function listParentApplications(
  db: Queryable,
  telegramUserId: number,
  policy: Policy,
  options: { limit?: number; known?: Record<number, KnownPosition> } = {},
): Promise<ParentApplication[]> {
  let query = preparedFor.get(db);
  if (!query) {
    query = parentApplicationsQuery(db);
    preparedFor.set(db, query);
  }
  const known = options.known ?? {};
  const knownList = Object.entries(known)
    .map(([id, k]) => `${id}@${k.stamp}`)
    .join(' ');
  const rows = await query.execute({ telegramUserId, limit: options.limit ?? 20, known: knownList });
  // A known position is reused only when its stamp matched; anything else was computed above.
  const missing = rows.filter((r) => r.status === 'registered' && r.position === null && known[r.id]?.stamp !== r.positionStamp);
  const fallback = missing.length ? await getPositions(db, missing.map((r) => r.id), policy) : new Map<number, QueuePosition>();
  return rows.map((r) => {
    const computed = json<PositionJson>(r.position);
    const full = computed ? positionFromRow(r.id, computed, policy) : fallback.get(r.id);
    const position: ParentPosition | null =
      r.status !== 'registered' ? null : full ? { position: full.position, ahead: full.ahead } : (known[r.id]?.position ?? null);
    const documentsMissing: DocumentKind[] = [];
    const active = eventsFrom(r.status, 'parent').includes('withdraw');
    if (active && r.priorityCategory !== 'none' && !r.hasProof && r.priorityProof !== 'verified') documentsMissing.push('priority_proof');
    if (active && r.representativeId !== null && !r.hasPoa) documentsMissing.push('power_of_attorney');
    const actions: ParentAction[] = [];
    if (active) actions.push('withdraw', 'phone');
    if (KINDERGARTENS_OPEN.includes(r.status)) actions.push('kindergartens');
    if (CATEGORY_OPEN.includes(r.status)) actions.push('category');
    // Only where something is missing: a button that leads nowhere is noise.
    if (documentsMissing.length) actions.push('document');
    return {
      id: r.id,
      applicantId: r.applicantId,
      districtId: r.districtId,
      number: r.number,
      status: r.status,
      statusChangedAt: r.statusChangedAt,
      registeredAt: r.registeredAt,
      queueNumber: r.queueNumber,
      birthYear: r.birthYear,
      language: r.language,
      priorityCategory: r.priorityCategory,
      priorityProof: r.priorityProof,
      priorityProofDueAt: r.priorityProofDueAt,
      certificateWarning: active
        ? certificateWarning(
            { ...r, priorityProofValidUntil: r.priorityProofValidUntil ? new Date(r.priorityProofValidUntil) : null },
            r.proofSentAt ? new Date(r.proofSentAt) : null,
            new Date(),
            policy,
          )
        : null,
      refusalReason: r.refusalReason,
      child: { fullName: r.childName, maskedIin: maskIin(r.childIin), birthDate: day(r.birthDate) },
      district: { nameKk: r.districtKk, nameRu: r.districtRu },
      kindergartens: json<ParentKindergarten[]>(r.kindergartens) ?? [],
      position,
      positionStamp: r.positionStamp,
      referral: json<ParentReferral>(r.referral),
      wait: position ? estimateWait(position.position, monthsOf(r.placesLastYear)) : null,
      queueId: r.queueId,
      openQueueCode: r.openQueueCode,
      missingDocuments: documentsMissing,
      actions,
    };
  });
}

/** The parent's own details as last given, offered again when the same account applies for another child. */
export interface KnownApplicant {
  iin: string;
  fullName: string;
  phone: string | null;
  phoneVerified: boolean;
  address: string | null;
}

/**
 * The applicant this account applied as most recently (bound to it, or linked to it by staff):
 * only an applicant whose applications the account already sees, so nothing new is revealed.
 * Applications made by power of attorney are left out: there the applicant is someone else.
 */
export async function lastApplicantOf(db: Queryable, telegramUserId: number): Promise<KnownApplicant | null> {
  const [row] = await rowsOf<{ iin: string; full_name: string; phone: string | null; phone_verified: boolean; address: string | null }>(
    db,
    sql`
    select p.iin, p.full_name, p.phones[1] as phone, p.phone_verified_at is not null as phone_verified, p.address
      from applicants p join applications a on a.applicant_id = p.id
     where a.representative_id is null and p.id in ${boundApplicantIds(telegramUserId)}
     order by a.created_at desc, a.id desc
     limit 1`,
  );
  return row
    ? { iin: row.iin, fullName: row.full_name, phone: row.phone, phoneVerified: row.phone_verified, address: row.address }
    : null;
}

/** Where this account's last application (as the parent) asked for a place: a sibling's choice. */
export interface LastPlaces {
  childName: string;
  districtId: number;
  language: Language;
  kindergartenIds: number[];
}

/** Same scope as lastApplicantOf: the account's own applicant records, never another account's. */
export async function lastPlacesOf(db: Queryable, telegramUserId: number): Promise<LastPlaces | null> {
  const [row] = await rowsOf<{ child_name: string; district_id: number; language: Language; kindergarten_ids: number[] }>(
    db,
    sql`
    select c.full_name as child_name, a.district_id, a.language, a.kindergarten_ids
      from applications a join children c on c.id = a.child_id
     where a.representative_id is null and a.applicant_id in ${boundApplicantIds(telegramUserId)}
     order by a.created_at desc, a.id desc
     limit 1`,
  );
  return row ? { childName: row.child_name, districtId: row.district_id, language: row.language, kindergartenIds: row.kindergarten_ids } : null;
}

/** A child's data from a withdrawn application this account sees: offered when applying again. */
export interface FormerChild {
  fullName: string;
  certificate: string | null;
}

export async function formerChildOf(db: Queryable, telegramUserId: number, childIin: string): Promise<FormerChild | null> {
  const [row] = await rowsOf<{ full_name: string; certificate: string | null }>(
    db,
    sql`select c.full_name, c.birth_certificate_number as certificate
      from applications a join children c on c.id = a.child_id
     where c.iin = ${childIin} and a.status = 'withdrawn' and a.id in ${visibleApplicationIds(telegramUserId)}
     order by a.status_changed_at desc, a.id desc
     limit 1`,
  );
  return row ? { fullName: row.full_name, certificate: row.certificate } : null;
}

/** The language stored with the applicants bound to this account, if any. */
export async function getTelegramLanguage(db: Queryable, telegramUserId: number): Promise<Language | null> {
  const rows = await rowsOf<{ language: Language }>(
    db,
    // The account's own applicant first, then one staff linked to it.
    sql`select p.language from applicants p where p.id in ${boundApplicantIds(telegramUserId)}
        order by p.telegram_user_id is not distinct from ${telegramUserId} desc limit 1`,
  );
  return rows[0]?.language ?? null;
}

/** Stores the chosen language with every applicant bound to this account (notifications use it). */
export async function setTelegramLanguage(db: Queryable, telegramUserId: number, language: Language): Promise<void> {
  await db.execute(sql`
    update applicants set language = ${language}
    where language <> ${language} and id in ${boundApplicantIds(telegramUserId)}`);
}
