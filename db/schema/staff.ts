import { index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { languageEnum, staffRoleEnum } from './enums.ts';

export const staffUsers = pgTable(
  'staff_users',
  {
    id: serial().primaryKey(),
    login: text().notNull(),
    fullName: text().notNull(),
    /** argon2id. */
    passwordHash: text().notNull(),
    roles: staffRoleEnum().array().notNull(),
    /** Districts a district_staff user may act in; empty = none. */
    districtIds: integer().array().notNull().default([]),
    language: languageEnum().notNull().default('ru'),
    active: integer().notNull().default(1),
    /** Forces a password change at next login (the first admin's one-time password). */
    mustChangePassword: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.login)],
);

export const staffSessions = pgTable(
  'staff_sessions',
  {
    /** SHA-256 of the cookie token; the token itself is never stored. */
    id: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => staffUsers.id),
    csrfToken: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The hard end: created_at + STAFF_SESSION_MAX_HOURS. */
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    /** Last request seen (kept to the minute): the idle timeout counts from here. */
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.userId)],
);

/**
 * Sign-in attempts per key (an address, a login, a login from an address) within the throttle's
 * window (core/sign-in.ts). A row is claimed under its lock before a password is checked, so
 * parallel attempts count one by one.
 */
export const signInThrottle = pgTable(
  'sign_in_throttle',
  {
    key: text().primaryKey(),
    /** Attempts since the window began, the one in progress included; a success clears it. */
    attempts: integer().notNull().default(0),
    /** Past the free attempts: no new check of this key may start before this. */
    nextAt: timestamp({ withTimezone: true }).notNull(),
    lastAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index().on(t.lastAt)],
);
