import { eq, inArray, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import {
  applicants,
  applications,
  children,
  districts,
  groups,
  kindergartens,
  localities,
  referrals,
} from '../db/schema/index.ts';
import type { Config } from './config.ts';
import type { Policy } from './policy.ts';
import { getPosition } from './position.ts';
import {
  REFERRAL_CONTENT_VERSION,
  signReferral,
  verifyStoredSignature,
  type ReferralContent,
  type SigningKey,
} from './signing.ts';

import type { Language } from '../locales/languages.ts';

export type { Language };
export type ReferralStatus = (typeof referrals.status.enumValues)[number];
export interface Bilingual {
  kk: string;
  ru: string;
}

export interface ReferralDocumentData {
  referralId: number;
  number: string | null;
  status: ReferralStatus;
  applicationNumber: string;
  /** The parent's language: the document's language unless asked otherwise. */
  language: Language;
  child: { iin: string; fullName: string; birthDate: string };
  homeAddress: string | null;
  locality: Bilingual;
  district: Bilingual & { code: string };
  kindergarten: { number: number; name: Bilingual; address: Bilingual };
  group: { name: string; birthYear: number; language: Language };
  issuedAt: Date | null;
  presentBy: Date | null;
  extendedUntil: Date | null;
  signature: string | null;
  /** The unguessable part of the verify link (the number is sequential, so it stays off the link). */
  verifyToken: string;
  verifyUrl: string | null;
}

type UrlConfig = Pick<Config, 'PUBLIC_URL' | 'PORT'>;

export function verificationUrl(config: UrlConfig, token: string): string {
  const base = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  return `${base}/verify/${encodeURIComponent(token)}`;
}

/** What referrals.verify_token looks like; anything else is not looked up. */
export const VERIFY_TOKEN = /^[0-9a-f]{32}$/;

async function loadReferral(db: Queryable, where: SQL, config: UrlConfig): Promise<ReferralDocumentData | null> {
  const [row] = await db
    .select({
      referral: referrals,
      applicationNumber: applications.number,
      child: { iin: children.iin, fullName: children.fullName, birthDate: children.birthDate },
      applicant: { address: applicants.address, language: applicants.language },
      group: { name: groups.name, birthYear: groups.birthYear, language: groups.language },
      kindergarten: {
        number: kindergartens.number,
        nameKk: kindergartens.nameKk,
        nameRu: kindergartens.nameRu,
        addressKk: kindergartens.addressKk,
        addressRu: kindergartens.addressRu,
      },
      district: { code: districts.code, nameKk: districts.nameKk, nameRu: districts.nameRu },
      locality: { nameKk: localities.nameKk, nameRu: localities.nameRu },
    })
    .from(referrals)
    .innerJoin(applications, eq(applications.id, referrals.applicationId))
    .innerJoin(children, eq(children.id, applications.childId))
    .innerJoin(applicants, eq(applicants.id, applications.applicantId))
    .innerJoin(groups, eq(groups.id, referrals.groupId))
    .innerJoin(kindergartens, eq(kindergartens.id, groups.kindergartenId))
    .innerJoin(districts, eq(districts.id, kindergartens.districtId))
    .innerJoin(localities, eq(localities.id, districts.localityId))
    .where(where)
    .limit(1);
  if (!row) return null;
  const r = row.referral;
  return {
    referralId: r.id,
    number: r.number,
    status: r.status,
    applicationNumber: row.applicationNumber,
    language: row.applicant.language,
    child: row.child,
    homeAddress: row.applicant.address,
    locality: { kk: row.locality.nameKk, ru: row.locality.nameRu },
    district: { code: row.district.code, kk: row.district.nameKk, ru: row.district.nameRu },
    kindergarten: {
      number: row.kindergarten.number,
      name: { kk: row.kindergarten.nameKk, ru: row.kindergarten.nameRu },
      address: { kk: row.kindergarten.addressKk, ru: row.kindergarten.addressRu },
    },
    group: row.group,
    issuedAt: r.issuedAt,
    presentBy: r.presentBy,
    extendedUntil: r.extendedUntil,
    signature: r.signature,
    verifyToken: r.verifyToken,
    verifyUrl: r.number ? verificationUrl(config, r.verifyToken) : null,
  };
}

export function loadReferralDocumentData(db: Queryable, referralId: number, config: UrlConfig): Promise<ReferralDocumentData | null> {
  return loadReferral(db, eq(referrals.id, referralId), config);
}

function loadReferralDocumentDataByToken(db: Queryable, token: string, config: UrlConfig): Promise<ReferralDocumentData | null> {
  return loadReferral(db, eq(referrals.verifyToken, token), config);
}

export function referralContentOf(data: ReferralDocumentData): ReferralContent | null {
  if (!data.number || !data.issuedAt) return null;
  return {
    v: REFERRAL_CONTENT_VERSION,
    number: data.number,
    applicationNumber: data.applicationNumber,
    child: { iin: data.child.iin, fullName: data.child.fullName, birthDate: data.child.birthDate },
    kindergarten: { number: data.kindergarten.number, districtCode: data.district.code },
    group: { birthYear: data.group.birthYear, language: data.group.language },
    issuedAt: data.issuedAt,
    presentBy: data.presentBy,
    extendedUntil: data.extendedUntil,
  };
}

/** Call in the transactions that issue and extend the referral: the validity date is signed. */
export async function signReferralRecord(tx: Queryable, referralId: number, key: SigningKey): Promise<string> {
  const data = await loadReferral(tx, eq(referrals.id, referralId), { PUBLIC_URL: undefined, PORT: 0 });
  if (!data) throw new Error(`referral ${referralId} not found`);
  const content = referralContentOf(data);
  if (!content) throw new Error(`referral ${referralId} is not issued: nothing to sign`);
  const signature = signReferral(content, key);
  await tx.update(referrals).set({ signature }).where(eq(referrals.id, referralId));
  return signature;
}

export type ReferralCheck =
  | { found: false }
  | {
      found: true;
      number: string;
      genuine: boolean;
      /**
       * valid: issued and within its time; expired: issued but past it (not yet closed by the
       * lapse job); otherwise the referral's closing status.
       */
      state: 'valid' | 'expired' | 'not_issued' | 'enrolled' | 'lapsed' | 'declined' | 'cancelled';
      validUntil: Date | null;
      issuedAt: Date | null;
      kindergartenNumber: number;
      kindergartenName: Bilingual;
      district: Bilingual;
      locality: Bilingual;
      group: { birthYear: number; language: Language };
    };

export async function checkReferral(
  db: Queryable,
  token: string,
  config: Pick<Config, 'SIGNING_KEY' | 'PUBLIC_URL' | 'PORT'>,
  now: Date = new Date(),
): Promise<ReferralCheck> {
  if (!VERIFY_TOKEN.test(token)) return { found: false };
  const data = await loadReferralDocumentDataByToken(db, token, config);
  if (!data?.number) return { found: false };
  const content = referralContentOf(data);
  const genuine = content !== null && (await verifyStoredSignature(db, content, data.signature, config));
  const validUntil = data.extendedUntil ?? data.presentBy;
  let state: Extract<ReferralCheck, { found: true }>['state'];
  switch (data.status) {
    case 'issued':
      state = validUntil && now.getTime() <= validUntil.getTime() ? 'valid' : 'expired';
      break;
    case 'offered':
      state = 'not_issued';
      break;
    default:
      state = data.status;
  }
  return {
    found: true,
    number: data.number,
    genuine,
    state,
    validUntil,
    issuedAt: data.issuedAt,
    kindergartenNumber: data.kindergarten.number,
    kindergartenName: data.kindergarten.name,
    district: { kk: data.district.kk, ru: data.district.ru },
    locality: data.locality,
    group: { birthYear: data.group.birthYear, language: data.group.language },
  };
}

export interface NoticeData {
  applicationId: number;
  applicationNumber: string;
  language: Language;
  applicantName: string;
  child: { fullName: string; birthDate: string };
  registeredAt: Date;
  /** "Registered under number N" (the notice): the queue's running number, never changes. */
  queueNumber: number;
  position: number | null;
  positionAt: Date;
  locality: Bilingual;
  district: Bilingual;
  birthYear: number;
  queueLanguage: Language;
  kindergartens: { number: number; name: Bilingual }[];
}

export async function loadNoticeData(
  db: Queryable,
  applicationId: number,
  policy: Policy,
  now: Date = new Date(),
): Promise<NoticeData | null> {
  const [row] = await db
    .select({
      application: applications,
      applicant: { fullName: applicants.fullName, language: applicants.language },
      child: { fullName: children.fullName, birthDate: children.birthDate },
      district: { nameKk: districts.nameKk, nameRu: districts.nameRu },
      locality: { nameKk: localities.nameKk, nameRu: localities.nameRu },
    })
    .from(applications)
    .innerJoin(applicants, eq(applicants.id, applications.applicantId))
    .innerJoin(children, eq(children.id, applications.childId))
    .innerJoin(districts, eq(districts.id, applications.districtId))
    .innerJoin(localities, eq(localities.id, districts.localityId))
    .where(eq(applications.id, applicationId));
  if (!row || row.application.queueNumber === null) return null;
  const a = row.application;
  const [position, chosen] = await Promise.all([
    getPosition(db, a.id, policy),
    db
      .select({ id: kindergartens.id, number: kindergartens.number, nameKk: kindergartens.nameKk, nameRu: kindergartens.nameRu })
      .from(kindergartens)
      .where(inArray(kindergartens.id, a.kindergartenIds)),
  ]);
  return {
    applicationId: a.id,
    applicationNumber: a.number,
    language: row.applicant.language,
    applicantName: row.applicant.fullName,
    child: row.child,
    registeredAt: a.registeredAt,
    queueNumber: a.queueNumber!,
    position: position?.position ?? null,
    positionAt: now,
    locality: { kk: row.locality.nameKk, ru: row.locality.nameRu },
    district: { kk: row.district.nameKk, ru: row.district.nameRu },
    birthYear: a.birthYear,
    queueLanguage: a.language,
    kindergartens: a.kindergartenIds.flatMap((id) => {
      const k = chosen.find((c) => c.id === id);
      return k ? [{ number: k.number, name: { kk: k.nameKk, ru: k.nameRu } }] : [];
    }),
  };
}
