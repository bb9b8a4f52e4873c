/** Each copy handed out is an audit row, so the history says who printed what. */
import { eq } from 'drizzle-orm';
import type { i18n } from 'i18next';
import type { Queryable } from '../db/client.ts';
import { referrals } from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import type { Config } from './config.ts';
import { loadNoticeData, loadReferralDocumentData, type Language } from './document-data.ts';
import { documentFileName, renderReferralPdf, renderRegistrationNoticePdf } from './documents-pdf.ts';
import { NotFoundError, RuleError } from './errors.ts';
import type { Policy } from './policy.ts';

export interface PrintedDocument {
  pdf: Buffer;
  fileName: string;
  language: Language;
}

interface PrintInput {
  actor: Actor;
  lang?: Language | null;
  i18n?: i18n;
  now?: Date;
}

export async function printReferral(
  db: Queryable,
  input: PrintInput & { referralId: number; config: Pick<Config, 'PUBLIC_URL' | 'PORT'>; policy: Policy },
): Promise<PrintedDocument> {
  const data = await loadReferralDocumentData(db, input.referralId, input.config);
  if (!data) throw new NotFoundError('referral', input.referralId);
  if (!data.number || !data.issuedAt) throw new RuleError('referral_not_issued');
  const language = input.lang ?? data.language;
  const pdf = await renderReferralPdf(data, language, { i18n: input.i18n, now: input.now, policy: input.policy });
  const [ref] = await db.select({ applicationId: referrals.applicationId }).from(referrals).where(eq(referrals.id, data.referralId));
  await audit(db, input.actor, {
    action: 'document.download',
    entity: 'application',
    entityId: ref!.applicationId,
    data: { document: 'referral', referralId: data.referralId, number: data.number, language },
  });
  return { pdf, language, fileName: await documentFileName('referral', data.number, language, { i18n: input.i18n }) };
}

export async function printNotice(
  db: Queryable,
  input: PrintInput & { applicationId: number; policy: Policy },
): Promise<PrintedDocument> {
  const data = await loadNoticeData(db, input.applicationId, input.policy, input.now);
  if (!data) throw new RuleError('notice_not_registered');
  const language = input.lang ?? data.language;
  const pdf = await renderRegistrationNoticePdf(data, language, { i18n: input.i18n, now: input.now, policy: input.policy });
  await audit(db, input.actor, {
    action: 'document.download',
    entity: 'application',
    entityId: data.applicationId,
    data: { document: 'notice', number: data.applicationNumber, language },
  });
  return { pdf, language, fileName: await documentFileName('notice', data.applicationNumber, language, { i18n: input.i18n }) };
}
