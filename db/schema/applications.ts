import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  index,
  jsonb,
  integer,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import {
  applicationStatusEnum,
  channelEnum,
  documentKindEnum,
  languageEnum,
  positionReasonEnum,
  priorityCategoryEnum,
  proofStateEnum,
  verificationEnum,
} from './enums.ts';
import { districts } from './places.ts';
import { applicants, children, representatives } from './people.ts';

export interface SubmittedChild {
  fullName: string;
  birthCertificateNumber: string;
}

export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

/**
 * One queue: district × birth year × language of instruction (SPEC "The queue order").
 * `phase` is how many general children got places since the last first-priority child.
 */
export const queues = pgTable(
  'queues',
  {
    id: serial().primaryKey(),
    districtId: integer()
      .notNull()
      .references(() => districts.id),
    birthYear: smallint().notNull(),
    language: languageEnum().notNull(),
    phase: smallint().notNull().default(3),
    /** Last queue number handed out ("registered under number N", appendix 4). */
    lastNumber: integer().notNull().default(0),
  },
  (t) => [uniqueIndex().on(t.districtId, t.birthYear, t.language), check('queues_phase_check', sql`${t.phase} >= 0`)],
);

export const applications = pgTable(
  'applications',
  {
    id: serial().primaryKey(),
    /** Human-readable number, e.g. 2026-0001234. */
    number: text().notNull(),
    childId: integer()
      .notNull()
      .references(() => children.id),
    applicantId: integer()
      .notNull()
      .references(() => applicants.id),
    representativeId: integer().references(() => representatives.id),
    districtId: integer()
      .notNull()
      .references(() => districts.id),
    queueId: integer()
      .notNull()
      .references(() => queues.id),
    birthYear: smallint().notNull(),
    language: languageEnum().notNull(),
    /** Ranked choices, best first; at most policy.maxKindergartens. */
    kindergartenIds: integer().array().notNull(),
    priorityCategory: priorityCategoryEnum().notNull().default('none'),
    priorityProof: proofStateEnum().notNull().default('none'),
    /** Certificates of service are valid one month (policy.certificateValidityDays). */
    priorityProofValidUntil: timestamp({ withTimezone: true }),
    /** A right claimed without its proof: the proof is awaited until then (core/priority-claims.ts). */
    priorityProofDueAt: timestamp({ withTimezone: true }),
    /**
     * Four eyes on a priority right (core/priority.ts): the staff member who approved the claim
     * first and when; the round is open until a different staff member approves it too.
     */
    priorityFirstApproverId: integer(),
    priorityFirstApprovedAt: timestamp({ withTimezone: true }),
    prioritySecondApproverId: integer(),
    /**
     * The list the child waits in: 0 extraordinary (E), 1 first priority with proof (B), 2 general (G).
     * Derived by core/queue-category.ts from category and proof state; never set by hand.
     */
    queueCategory: smallint().notNull().default(2),
    channel: channelEnum().notNull(),
    status: applicationStatusEnum().notNull().default('submitted'),
    statusChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Time of application: the queue order within a category. */
    registeredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    queueNumber: integer(),
    /** Not offered a place before this time (policy.stopListDays after a lapse). */
    stopUntil: timestamp({ withTimezone: true }),
    /** Twins are registered and offered together: the application id of the first twin. */
    twinGroupId: integer(),
    refusalReason: text(),
    refusalComment: text(),
    motherWorkplace: text(),
    fatherWorkplace: text(),
    /**
     * The child's name and birth certificate as this submission gave them, when the child was
     * already on record with others: a submission never changes the child's record, staff compare.
     */
    submittedChild: jsonb().$type<SubmittedChild>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex().on(t.number),
    // One active application per child: the database's own guarantee behind core's check.
    uniqueIndex('applications_one_active_per_child')
      .on(t.childId)
      .where(sql`${t.status} in ('submitted', 'registered', 'offered', 'referred')`),
    // The queue order of waiting children; position counts read only this index.
    index('applications_queue_order')
      .on(t.queueId, t.queueCategory, t.registeredAt, t.id)
      .where(sql`${t.status} = 'registered'`),
    // Children on the stop list, for allocation previews (a handful per queue).
    index('applications_stop_list').on(t.queueId).where(sql`${t.stopUntil} is not null and ${t.status} = 'registered'`),
    index().on(t.applicantId),
    index().on(t.representativeId),
    // The panel's list: a district's applications by status in queue order (cohort, language,
    // list, registration time) read straight off the index, 25 rows at a time.
    index('applications_district_queue_order').on(
      t.districtId,
      t.status,
      t.birthYear,
      t.language,
      t.queueCategory,
      t.registeredAt,
      t.id,
    ),
    // Look-ups by a child's IIN find closed applications too (the partial unique index has only active ones).
    index().on(t.childId),
    index().on(t.status, t.createdAt),
    // Claims waiting for a second approval (the panel's filter and the dashboard): a handful.
    index('applications_awaiting_second_approval')
      .on(t.districtId, t.priorityFirstApprovedAt)
      .where(sql`${t.priorityFirstApproverId} is not null and ${t.prioritySecondApproverId} is null`),
    // One person is never both approvers, whatever the code does.
    check('applications_two_approvers_check', sql`${t.priorityFirstApproverId} <> ${t.prioritySecondApproverId}`),
    check('applications_queue_category_check', sql`${t.queueCategory} between 0 and 2`),
    check(
      'applications_kindergartens_check',
      sql`cardinality(${t.kindergartenIds}) between 1 and 10`,
    ),
  ],
);

/**
 * Waiting children per queue and category, bucketed by registration day (level 2),
 * 32-day block (level 1) and in total (level 0). Kept by a trigger on applications
 * (migration 0001), so a position is a sum of at most ~100 small rows plus an index
 * count within one day, whatever the queue's length. See core/position.ts.
 */
export const queueCounts = pgTable(
  'queue_counts',
  {
    queueId: integer().notNull(),
    category: smallint().notNull(),
    level: smallint().notNull(),
    bucket: integer().notNull(),
    n: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.category, t.level, t.bucket] })],
);

export const documents = pgTable(
  'documents',
  {
    id: serial().primaryKey(),
    applicationId: integer().references(() => applications.id),
    applicantId: integer().references(() => applicants.id),
    kind: documentKindEnum().notNull(),
    fileName: text(),
    mimeType: text().notNull(),
    size: integer().notNull(),
    sha256: text().notNull(),
    /** Small files live in the database; large ones in object storage under storageKey. */
    content: bytea(),
    storageKey: text(),
    telegramFileId: text(),
    verification: verificationEnum().notNull().default('pending'),
    verifiedBy: integer(),
    verifiedAt: timestamp({ withTimezone: true }),
    verificationNote: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.applicationId),
    check('documents_stored_check', sql`${t.content} is not null or ${t.storageKey} is not null`),
  ],
);

/**
 * Every move in a queue, with its reason, so a parent's position change can be explained
 * exactly (core/position-history.ts replays these backwards from the present).
 */
export const positionChanges = pgTable(
  'position_changes',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    queueId: integer().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    reason: positionReasonEnum().notNull(),
    applicationId: integer().notNull(),
    /** The moved child's list and place in it at the time of the change. */
    category: smallint().notNull(),
    registeredAt: timestamp({ withTimezone: true }).notNull(),
    /** +1 joined the waiting list, −1 left it. */
    delta: smallint().notNull(),
    phaseBefore: smallint().notNull(),
    phaseAfter: smallint().notNull(),
  },
  (t) => [index().on(t.queueId, t.at)],
);
