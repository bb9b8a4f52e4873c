import { bigint, date, index, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { identityProofEnum, languageEnum } from './enums.ts';

/**
 * The parent or legal representative in whose name an application is made, as one channel
 * recorded them. Not unique by IIN: an IIN typed in the bot is a claim, so each Telegram account
 * gets its own record for the IINs it types, and only the office and the portal, which prove
 * the IIN, share one record per IIN (core/applications.ts applicantFor). Several records with one
 * IIN and different contacts are shown to staff as a discrepancy (core/application-view.ts).
 */
export const applicants = pgTable(
  'applicants',
  {
    id: serial().primaryKey(),
    iin: text().notNull(),
    fullName: text().notNull(),
    /** First phone is the main one. */
    phones: text().array().notNull().default([]),
    /** Set when the main phone came from Telegram's shared contact or was confirmed by staff. */
    phoneVerifiedAt: timestamp({ withTimezone: true }),
    address: text(),
    telegramUserId: bigint({ mode: 'number' }),
    language: languageEnum().notNull().default('kk'),
    /** Consent to the use of legally protected personal data (SPEC "Documents"). */
    consentAt: timestamp({ withTimezone: true }),
    /** What the channel that created this record proved about the IIN. */
    identityProof: identityProofEnum().notNull().default('claimed'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Search, the call centre's look-up and the discrepancy check find every record of an IIN.
    index().on(t.iin),
    // A Telegram account's own claim of an IIN is one record, reused by its next application.
    uniqueIndex('applicants_claimed_account_iin').on(t.telegramUserId, t.iin).where(sql`${t.identityProof} = 'claimed'`),
    // A proven IIN (document or signature) is one record, shared by the office and the portal.
    uniqueIndex('applicants_proven_iin').on(t.iin).where(sql`${t.identityProof} <> 'claimed'`),
    index().on(t.telegramUserId),
    // The panel's search box finds part of a name (ILIKE '%…%') through trigrams (migration 0008).
    index('applicants_full_name_trgm').using('gin', t.fullName.op('gin_trgm_ops')),
  ],
);

/** Someone acting for an applicant by power of attorney (SPEC §14). */
export const representatives = pgTable(
  'representatives',
  {
    id: serial().primaryKey(),
    iin: text().notNull(),
    fullName: text().notNull(),
    phone: text(),
    telegramUserId: bigint({ mode: 'number' }),
    poaNumber: text().notNull(),
    poaDate: date({ mode: 'string' }).notNull(),
    poaIssuer: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // The bot finds the applications a Telegram account represents (core/parent-visibility.ts).
  (t) => [index().on(t.telegramUserId)],
);

export const children = pgTable(
  'children',
  {
    id: serial().primaryKey(),
    iin: text().notNull(),
    fullName: text().notNull(),
    birthDate: date({ mode: 'string' }).notNull(),
    birthCertificateNumber: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.iin), index('children_full_name_trgm').using('gin', t.fullName.op('gin_trgm_ops'))],
);
