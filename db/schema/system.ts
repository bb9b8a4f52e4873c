import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { actorTypeEnum, languageEnum, notificationStatusEnum } from './enums.ts';
import { applicants } from './people.ts';
import { applications } from './applications.ts';

/** Who did what, when and why. Written in the same transaction as the change. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actorType: actorTypeEnum().notNull(),
    /** staff_users.id, applicants.id or null for the system. */
    actorId: integer(),
    action: text().notNull(),
    entity: text().notNull(),
    entityId: integer(),
    fromState: text(),
    toState: text(),
    reason: text(),
    data: jsonb(),
  },
  (t) => [index().on(t.entity, t.entityId), index().on(t.at), index().on(t.actorType, t.actorId)],
);

/**
 * Transactional outbox: a notification is written with the change that causes it and
 * delivered later by the bot's worker, exactly once per row.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    applicantId: integer()
      .notNull()
      .references(() => applicants.id),
    applicationId: integer().references(() => applications.id),
    /** i18n key under notifications.* */
    kind: text().notNull(),
    params: jsonb().notNull().default({}),
    /** Same key twice is one notification (e.g. "reminder:referral:17:confirm"). */
    dedupeKey: text(),
    status: notificationStatusEnum().notNull().default('pending'),
    /** Higher goes first: 1 for time-critical messages (an offer's deadline, reminders), 0 else (core/notifications.ts). */
    priority: smallint().notNull().default(0),
    dueAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Claims so far, the current one included; also fences a worker that lost its lease. */
    attempts: smallint().notNull().default(0),
    lastError: text(),
    /** An earlier attempt got as far as the request and its outcome is unknown: the text says it may repeat. */
    maybeDelivered: boolean().notNull().default(false),
    /** The Telegram chat of the latest attempt (none when the parent has no Telegram). */
    chatId: bigint({ mode: 'number' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When a worker claimed the row or last renewed its lease (status 'claimed' or 'sending'); see core/outbox.ts. */
    claimedAt: timestamp({ withTimezone: true }),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex().on(t.dedupeKey),
    index('notifications_due').on(t.priority.desc(), t.dueAt, t.id).where(sql`${t.status} = 'pending'`),
    // Leases to expire: rows in 'claimed' or 'sending'. Named by exclusion because a value added
    // to an enum cannot be used in the migration that adds it.
    index('notifications_leased').on(t.claimedAt).where(sql`${t.status} not in ('pending', 'sent', 'failed')`),
    // The parents to phone: undelivered rows by chat.
    index('notifications_failed_chat').on(t.chatId).where(sql`${t.status} = 'failed'`),
    index().on(t.applicationId),
  ],
);

/** Appendix 6 quality indicators, each rated 1–5 by the applicant after a result. */
export const feedback = pgTable(
  'feedback',
  {
    id: serial().primaryKey(),
    applicantId: integer().references(() => applicants.id),
    applicationId: integer().references(() => applications.id),
    language: languageEnum(),
    withinDeadline: smallint(),
    process: smallint(),
    information: smallint(),
    electronic: smallint(),
    complaints: smallint(),
    courtesy: smallint(),
    comment: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.createdAt)],
);

/** Region overrides of core/policy.ts defaults, validated by the policy schema on load. */
export const policySettings = pgTable('policy_settings', {
  key: text().primaryKey(),
  value: jsonb().notNull(),
  updatedBy: integer(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Jobs on PostgreSQL: scheduled work that survives restarts (reminders, lapses). */
export const jobs = pgTable(
  'jobs',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text().notNull(),
    payload: jsonb().notNull().default({}),
    runAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    dedupeKey: text(),
    status: text({ enum: ['pending', 'running', 'done', 'failed'] }).notNull().default('pending'),
    attempts: smallint().notNull().default(0),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex().on(t.dedupeKey), index('jobs_due').on(t.runAt).where(sql`${t.status} = 'pending'`)],
);

/**
 * Ed25519 keys that sign referrals (core/signing.ts). kid = first 16 hex digits of the
 * SHA-256 of the public key; a signature is stored as "<kid>.<signature>", so old referrals
 * still verify after a key is rotated. private_key is null for a key that lives only in the
 * SIGNING_KEY setting: its public half is kept here so its signatures outlive a change of it.
 */
export const signingKeys = pgTable(
  'signing_keys',
  {
    kid: text().primaryKey(),
    algorithm: text().notNull().default('ed25519'),
    /** base64 DER (SPKI). */
    publicKey: text().notNull(),
    /** base64 DER (PKCS#8); only for a key the service generated itself. */
    privateKey: text(),
    /** 1 = signs new referrals; at most one. */
    active: smallint().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('signing_keys_one_active').on(t.active).where(sql`${t.active} = 1`)],
);

/**
 * The open queue's daily export of one queue (core/open-queue.ts). `rows` is what is published:
 * nothing that identifies a child. `lookup` is private and never served: a parent's private code
 * → their row, so the page can point them to it.
 */
export const openQueueExports = pgTable(
  'open_queue_exports',
  {
    queueId: integer().notNull(),
    day: date({ mode: 'string' }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    rows: jsonb().notNull(),
    lookup: jsonb().$type<Record<string, number>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.day] })],
);

/** A parent's private code for finding their row in the open queue: random, so nothing public derives it. */
export const openQueueCodes = pgTable('open_queue_codes', {
  applicationId: integer()
    .primaryKey()
    .references(() => applications.id),
  code: text().notNull().unique(),
});

/**
 * The bot asked a parent to confirm their phone (once a year, or after a notification could not
 * be delivered). An open check past due_at puts the parent on the staff's list to phone; closing it
 * (by the parent's answer or a staff decision) is audited. Nobody loses a place for not answering.
 */
export const contactChecks = pgTable(
  'contact_checks',
  {
    id: serial().primaryKey(),
    applicantId: integer()
      .notNull()
      .references(() => applicants.id),
    reason: text({ enum: ['yearly', 'undelivered'] }).notNull(),
    askedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    dueAt: timestamp({ withTimezone: true }).notNull(),
    closedAt: timestamp({ withTimezone: true }),
    /** Who closed it and how; "nobody answered" leaves it open (an audit row records each call). */
    outcome: text({ enum: ['confirmed', 'changed', 'staff_confirmed', 'staff_changed'] }),
    /** The staff member who closed it; null when the parent answered. */
    closedBy: integer(),
  },
  (t) => [
    uniqueIndex('contact_checks_one_open').on(t.applicantId).where(sql`${t.closedAt} is null`),
    index('contact_checks_due').on(t.dueAt).where(sql`${t.closedAt} is null`),
  ],
);

/**
 * Working days moved by the government's yearly decree: a Saturday made a working day
 * (`working` true) in exchange for a bridge day off (`working` false). Public holidays themselves
 * come from the law (core/working-days.ts); only these moves are kept by hand, by an admin.
 */
export const dayTransfers = pgTable('day_transfers', {
  id: serial().primaryKey(),
  day: date({ mode: 'string' }).notNull().unique(),
  working: boolean().notNull(),
  /** The decree that moved the day, as staff would cite it. */
  decree: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
