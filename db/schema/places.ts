import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, serial, smallint, text, unique } from 'drizzle-orm/pg-core';
import { languageEnum } from './enums.ts';

/** A city or a region-level town (Almaty, Astana, …). */
export const localities = pgTable('localities', {
  id: serial().primaryKey(),
  /** KATO code of the administrative unit. */
  kato: text().notNull().unique(),
  nameKk: text().notNull(),
  nameRu: text().notNull(),
});

/** A district of a locality: queues are kept per district. */
export const districts = pgTable('districts', {
  id: serial().primaryKey(),
  localityId: integer().notNull().references(() => localities.id),
  code: text().notNull().unique(),
  nameKk: text().notNull(),
  nameRu: text().notNull(),
});

export const kindergartens = pgTable(
  'kindergartens',
  {
    id: serial().primaryKey(),
    districtId: integer().notNull().references(() => districts.id),
    /** The number people use: «№ 112 балабақша». */
    number: integer().notNull(),
    nameKk: text().notNull(),
    nameRu: text().notNull(),
    addressKk: text().notNull(),
    addressRu: text().notNull(),
    phone: text(),
    languages: languageEnum().array().notNull(),
    active: smallint().notNull().default(1),
  },
  (t) => [unique().on(t.districtId, t.number), index().on(t.districtId)],
);

/** A group of a kindergarten: one birth-year cohort, one language of instruction. */
export const groups = pgTable(
  'groups',
  {
    id: serial().primaryKey(),
    kindergartenId: integer().notNull().references(() => kindergartens.id),
    name: text().notNull(),
    birthYear: smallint().notNull(),
    language: languageEnum().notNull(),
    capacity: integer().notNull(),
    /** Children attending now (kept by staff and by enrolments through referrals). */
    enrolled: integer().notNull().default(0),
  },
  (t) => [
    index().on(t.kindergartenId),
    index().on(t.birthYear, t.language),
    check('groups_capacity_check', sql`${t.capacity} >= 0 and ${t.enrolled} >= 0 and ${t.enrolled} <= ${t.capacity}`),
  ],
);
