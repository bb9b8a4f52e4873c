import { bigint, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { applications } from './applications.ts';
import { applicants } from './people.ts';

/** grammY sessions and conversation state: a restart mid-application loses nothing. */
export const botSessions = pgTable('bot_sessions', {
  key: text().primaryKey(),
  value: jsonb().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Telegram may deliver an update twice; the first insert wins. */
export const processedUpdates = pgTable(
  'processed_updates',
  {
    updateId: bigint({ mode: 'number' }).primaryKey(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.at)],
);

/** Telegram accounts staff linked to an applicant (besides the one that applied). */
export const applicantTelegramLinks = pgTable(
  'applicant_telegram_links',
  {
    id: serial().primaryKey(),
    applicantId: integer()
      .notNull()
      .references(() => applicants.id),
    telegramUserId: bigint({ mode: 'number' }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.applicantId, t.telegramUserId), index().on(t.telegramUserId)],
);

/**
 * Telegram accounts that may see one application: the account that submitted it through the
 * bot (source 'submitted'), or one staff linked to this application only ('staff'). Unlike
 * applicants.telegram_user_id and applicant_telegram_links, this never reveals the applicant's
 * other applications: someone who knows a parent's IIN and applies for another child sees
 * only that child (core/parent-visibility.ts).
 */
export const applicationTelegramLinks = pgTable(
  'application_telegram_links',
  {
    id: serial().primaryKey(),
    applicationId: integer()
      .notNull()
      .references(() => applications.id),
    telegramUserId: bigint({ mode: 'number' }).notNull(),
    source: text({ enum: ['submitted', 'staff'] }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.applicationId, t.telegramUserId), index().on(t.telegramUserId)],
);

/**
 * Telegram chats the bot cannot write to: the parent blocked the bot or deleted the account
 * (403), or the chat does not exist (400). Nothing is sent there until the parent writes to
 * the bot again, which removes the row (core/unreachable.ts); staff phone them meanwhile.
 */
export const telegramUnreachable = pgTable('telegram_unreachable', {
  telegramUserId: bigint({ mode: 'number' }).primaryKey(),
  reason: text({ enum: ['blocked', 'deactivated', 'chat_not_found', 'forbidden'] }).notNull(),
  /** Telegram's own words. */
  error: text().notNull(),
  /** When the failed attempt was claimed: that row and any withheld after it are the undelivered ones. */
  since: timestamp({ withTimezone: true }).notNull(),
  notificationId: bigint({ mode: 'number' }),
});
