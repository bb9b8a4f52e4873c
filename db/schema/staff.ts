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
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index().on(t.userId)],
);
