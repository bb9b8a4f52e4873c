import { bigint, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { applications } from './applications.ts';

/**
 * Telegram accounts that may see one application: the account that submitted it through the
 * bot (source 'submitted'), or one staff linked to this application only ('staff'). Unlike
 * applicants.telegram_user_id and applicant_telegram_links, this never reveals the applicant's
 * other applications: someone who knows a parent's IIN and applies for another child sees
 * only that child (core/parents.ts).
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
