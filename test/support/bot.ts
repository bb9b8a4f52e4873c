import { randomInt } from 'node:crypto';
import type { TFunction } from 'i18next';
import { createBot } from '../../bot/index.ts';
import { loadConfig } from '../../core/config.ts';
import { makeIin } from '../../core/iin.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import type { Database, Queryable } from '../../db/client.ts';
import { districts, groups, kindergartens, localities } from '../../db/schema/index.ts';
import { createI18n } from '../../locales/index.ts';
import { BOT_TOKEN, botInfo, FakeTelegram } from './fake-telegram.ts';
import { testLogger } from './logger.ts';

export const botConfig = loadConfig({ BOT_TOKEN, NODE_ENV: 'test' });

export async function makeBot(database: Database, opts: { policy?: Policy; tg?: FakeTelegram } = {}) {
  const tg = opts.tg ?? new FakeTelegram();
  const i18n = await createI18n();
  const logger = testLogger();
  const bot = createBot(
    { db: database.db, logger, config: botConfig, policy: opts.policy ?? defaultPolicy, i18n, fetch: tg.fetch },
    { botInfo, client: { fetch: tg.fetch } },
  );
  const t: Record<'kk' | 'ru', TFunction> = { kk: i18n.getFixedT('kk'), ru: i18n.getFixedT('ru') };
  return { bot, tg, i18n, t, logger };
}

export interface BotPlaces {
  tag: string;
  districtId: number;
  districtKk: string;
  districtRu: string;
  kindergartens: { id: number; nameKk: string; nameRu: string }[];
}

/** A district with a name no other test uses (the bot lists every district), 4 kindergartens. */
export async function createBotPlaces(db: Queryable): Promise<BotPlaces> {
  const tag = `Q${randomInt(100_000, 999_999)}`;
  const [locality] = await db.insert(localities).values({ kato: `b${tag}${randomInt(0, 1e6)}`, nameKk: `${tag} қаласы`, nameRu: `Город ${tag}` }).returning();
  const [district] = await db
    .insert(districts)
    .values({ localityId: locality!.id, code: `b${tag}${randomInt(0, 1e6)}`, nameKk: `${tag} ауданы`, nameRu: `${tag} район` })
    .returning();
  const kgs = await db
    .insert(kindergartens)
    .values(
      [11, 12, 13, 14].map((n, i) => ({
        districtId: district!.id,
        number: n,
        nameKk: `№ ${n} "${['Балапан', 'Айгөлек', 'Ақбота', 'Теремок'][i]}" балабақшасы`,
        nameRu: `Детский сад № ${n} "${['Балапан', 'Айгөлек', 'Ақбота', 'Теремок'][i]}"`,
        addressKk: `Абай даңғылы, ${n}`,
        addressRu: `проспект Абая, ${n}`,
        // № 14 teaches in Russian only.
        languages: n === 14 ? ['ru' as const] : ['kk' as const, 'ru' as const],
      })),
    )
    .returning();
  const year = new Date().getUTCFullYear();
  await db.insert(groups).values(
    kgs.flatMap((k) => [year - 4, year - 3, year - 2].map((birthYear) => ({ kindergartenId: k.id, name: `${birthYear}`, birthYear, language: 'kk' as const, capacity: 25, enrolled: 20 }))),
  );
  return {
    tag,
    districtId: district!.id,
    districtKk: district!.nameKk,
    districtRu: district!.nameRu,
    kindergartens: kgs.map((k) => ({ id: k.id, nameKk: k.nameKk, nameRu: k.nameRu })),
  };
}

let serial = randomInt(0, 9000);
export function iinFor(birthDate: string, sex: 'male' | 'female' = 'female'): string {
  const iin = makeIin(birthDate, sex, serial);
  serial = (Number(iin.slice(7, 11)) + 1 + randomInt(0, 5)) % 10000;
  return iin;
}

export function badChecksum(iin: string): string {
  return iin.slice(0, 11) + String((Number(iin[11]) + 1) % 10);
}

export function yearsAgo(years: number, days = 0): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3, 4]);
export const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
export const EXE = new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]);
