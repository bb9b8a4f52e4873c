import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, primaryKey, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { referralStatusEnum } from './enums.ts';
import { applications } from './applications.ts';
import { groups } from './places.ts';
import { districts } from './places.ts';

/**
 * A place offered to a child, then the referral (appendix 3) once the parent confirms.
 * Live = offered or issued: it holds a seat of its group (core/seats.ts).
 */
export const referrals = pgTable(
  'referrals',
  {
    id: serial().primaryKey(),
    /** Set when issued. */
    number: text(),
    /**
     * What the QR code and the verify link carry: 122 random bits, so nobody counts referrals by
     * trying links (the sequential number stays printed on the paper). Made by the database, so
     * every insert gets one; gen_random_uuid() is built into PostgreSQL 13+ and PGlite.
     */
    verifyToken: text()
      .notNull()
      .default(sql`replace(gen_random_uuid()::text, '-', '')`),
    applicationId: integer()
      .notNull()
      .references(() => applications.id),
    groupId: integer()
      .notNull()
      .references(() => groups.id),
    roundId: integer().references(() => allocationRounds.id),
    status: referralStatusEnum().notNull().default('offered'),
    offeredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    confirmBy: timestamp({ withTimezone: true }).notNull(),
    issuedAt: timestamp({ withTimezone: true }),
    presentBy: timestamp({ withTimezone: true }),
    extendedUntil: timestamp({ withTimezone: true }),
    extensions: smallint().notNull().default(0),
    closedAt: timestamp({ withTimezone: true }),
    /** Ed25519 signature over the canonical content, base64url. */
    signature: text(),
    createdBy: integer(),
  },
  (t) => [
    uniqueIndex().on(t.number),
    uniqueIndex().on(t.verifyToken),
    // No child ever holds two live offers.
    uniqueIndex('referrals_one_live_per_application')
      .on(t.applicationId)
      .where(sql`${t.status} in ('offered', 'issued')`),
    index('referrals_live_by_group').on(t.groupId).where(sql`${t.status} in ('offered', 'issued')`),
    index().on(t.status, t.confirmBy),
  ],
);

/** A district's allocation round: previewed, then committed in one transaction. */
export const allocationRounds = pgTable('allocation_rounds', {
  id: serial().primaryKey(),
  districtId: integer()
    .notNull()
    .references(() => districts.id),
  status: text({ enum: ['preview', 'committed', 'discarded'] }).notNull().default('preview'),
  /** Who gets what and who is skipped and why, as shown to staff. */
  plan: jsonb().notNull(),
  createdBy: integer(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  committedAt: timestamp({ withTimezone: true }),
});

/**
 * Referrals issued per queue and calendar month (Almaty), kept by a trigger on referrals
 * (migration 0009): the expected wait (core/expected-wait.ts, placesLastYearSql) reads twelve
 * rows of it instead of counting a year of referrals per look.
 */
export const queuePlaces = pgTable(
  'queue_places',
  {
    queueId: integer().notNull(),
    month: date({ mode: 'string' }).notNull(),
    places: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.month] })],
);
