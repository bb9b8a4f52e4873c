/** The bot's district list in each language's alphabetical order: Kazakh puts Ә right after А. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { districts } from '../../db/schema/index.ts';
import { listDistricts } from '../../core/catalogue.ts';
import { openTestDatabase } from '../support/db.ts';
import { createPlaces } from '../support/factories.ts';

let database: Database;
const ours = new Set<number>();

beforeAll(async () => {
  database = await openTestDatabase();
  const places = await createPlaces(database.db);
  const [own] = (await database.db.select().from(districts)).filter((d) => d.id === places.districtId);
  for (const [i, [kk, ru]] of ([
    ['Бостандық ауданы', 'Бостандыкский район'],
    ['Әуезов ауданы', 'Ауэзовский район'],
    ['Алмалы ауданы', 'Алмалинский район'],
  ] as const).entries()) {
    const [row] = await database.db.insert(districts).values({ localityId: own!.localityId, code: `c${i}${Date.now().toString(36)}`, nameKk: kk, nameRu: ru }).returning();
    ours.add(row!.id);
  }
  ours.add(places.districtId);
});

afterAll(() => database?.close());

describe('listDistricts', () => {
  it('orders Kazakh names by the Kazakh alphabet and Russian names by the Russian one', async () => {
    const kk = (await listDistricts(database.db, 'kk')).filter((d) => ours.has(d.id)).map((d) => d.nameKk);
    expect(kk).toEqual(['Алмалы ауданы', 'Әуезов ауданы', 'Бостандық ауданы', 'Сынақ ауданы']);
    const ru = (await listDistricts(database.db, 'ru')).filter((d) => ours.has(d.id)).map((d) => d.nameRu);
    expect(ru).toEqual(['Алмалинский район', 'Ауэзовский район', 'Бостандыкский район', 'Тестовый район']);
  });
});
