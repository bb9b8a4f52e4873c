/**
 * The applications list's one search box, by name: part of a child's or applicant's name in
 * any case, Kazakh and Russian letters alike, found through the trigram indexes of migration
 * 0008. Runs on PGlite (pg_trgm from its contrib bundle) and on the PostgreSQL server.
 */
import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../../db/client.ts';
import { applications } from '../../db/schema/index.ts';
import { applicationsList } from '../../admin/server/applications/list.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { client, createStaff, listQuery, signIn, testServer, totalOf, type Client } from '../support/admin.ts';

// No August freeze during the run, whatever the date.
const policy: Policy = { ...defaultPolicy, freeze: { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } } };
const parent = { type: 'parent', id: null } as const;

/**
 * Names unique to this run (the server's database is shared by the run's files): a made-up
 * Kazakh syllable pair ends each surname, so a search for it finds only this file's rows.
 */
const SYLLABLES = ['қа', 'ғы', 'ңі', 'өр', 'ұл', 'үс', 'һа', 'әл', 'ір', 'ба'];
const tag = Array.from({ length: 4 }, () => SYLLABLES[randomInt(0, SYLLABLES.length)]).join('');
const NAMES = {
  /** ө і қ ә in the child's name; ғ ұ һ in the applicant's. */
  first: { child: `Өмірзақова${tag} Әйгерім Қуанышқызы`, applicant: `Ғалымжанова${tag} Ұлжан Һадиқызы` },
  /** ү ң ғ in the child's name; a Russian applicant. */
  second: { child: `Үсенов${tag} Шыңғыс Тоқтарұлы`, applicant: `Иванова${tag} Мария Петровна` },
  /** Nobody's name contains "ова" here but the surnames above. */
  third: { child: `Бекет${tag} Іңкәр Серікқызы`, applicant: `Бекет${tag} Ерлан Серікұлы` },
};

let database: Database;
let admin: Client;
let places: Places;
const ids = {} as Record<keyof typeof NAMES, { id: number; number: string }>;

beforeAll(async () => {
  database = await openTestDatabase();
  const app = testServer(database, policy);
  places = await createPlaces(database.db);
  for (const key of Object.keys(NAMES) as (keyof typeof NAMES)[]) {
    const input = applicationInput(places);
    input.child.fullName = NAMES[key].child;
    input.applicant.fullName = NAMES[key].applicant;
    const { application } = await submitApplication(database.db, input, parent, policy);
    ids[key] = { id: application.id, number: application.number };
  }
  // District staff of this file's own district: a search term looks through every district of the
  // user's scope, and other files share the server's database.
  const account = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  admin = client(app, await signIn(app, account.login, account.password, '10.1.8.1'));
});
afterAll(async () => {
  await database.close();
});

/** The ids the list returns for a search in this file's district, and its Content-Range total. */
async function search(q: string) {
  const res = await admin.get(`/api/applications?${listQuery({ q, districtId: places.districtId }, ['id', 'ASC'], [0, 24])}`);
  expect(res.status, res.text).toBe(200);
  return { ids: (res.json as { id: number }[]).map((r) => r.id), total: totalOf(res.headers) };
}

describe('the search box finds applications by part of a name', () => {
  it.each([
    ['the child’s given name in capitals (Kazakh letters)', 'ӘЙГЕРІМ', ['first']],
    ['part of the child’s surname in small letters', `өмірзақова${tag}`, ['first']],
    ['the applicant’s given name (ұ)', 'ұЛЖАН', ['first']],
    ['the applicant’s patronymic (һ)', 'һади', ['first']],
    ['ү ң ғ in mixed case', `үСЕНОВ${tag} шыҢҒыс`, ['second']],
    ['a Russian applicant’s name', `иВАНОВА${tag} мария`, ['second']],
    ['і and ә in a given name', 'ІҢКӘР', ['third']],
    ['extra spaces between the words', `  Өмірзақова${tag}    Әйгерім  `, ['first']],
  ] as const)('%s', async (_what, q, expected) => {
    const found = await search(q);
    expect(found.ids).toEqual(expected.map((k) => ids[k].id));
    expect(found.total).toBe(expected.length);
  });

  it('lists an application once when both the child’s and the applicant’s names match', async () => {
    // "ова" + tag is in the first child's and the first applicant's surnames, and in the second applicant's.
    const found = await search(`ова${tag}`);
    expect(found.ids).toEqual([ids.first.id, ids.second.id]);
    expect(found.total).toBe(2);
  });

  it('finds the shared surname of a child and a parent, and nothing for a name nobody has', async () => {
    expect((await search(`бекет${tag}`)).ids).toEqual([ids.third.id]);
    expect(await search(`Жоқбаева${tag}`)).toEqual({ ids: [], total: 0 });
  });

  it('takes LIKE wildcards as plain text', async () => {
    expect((await search('%%%')).total).toBe(0);
    expect((await search('___')).total).toBe(0);
    expect((await search(`Өмірзақова${tag}_Әйгерім`)).total).toBe(0);
  });

  it('still finds by IIN and application number', async () => {
    const [row] = await rowsOf<{ iin: string }>(
      database.db,
      sql`select c.iin from children c join applications a on a.child_id = c.id where a.id = ${ids.second.id}`,
    );
    expect((await search(row!.iin)).ids).toEqual([ids.second.id]);
    expect((await search(ids.third.number)).ids).toEqual([ids.third.id]);
  });

  it('asks for at least 3 letters of a name instead of reading the whole index', async () => {
    const res = await admin.get(`/api/applications?${listQuery({ q: ' Әй ', districtId: places.districtId })}`);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ fields: [{ field: 'filter.q', code: 'search_too_short', params: { count: 3 } }] });
  });
});

describe('the name search plan', () => {
  it('can use the trigram indexes on children’s and applicants’ names', async () => {
    const query = database.db.select({ id: applications.id }).from(applications).where(applicationsList.filters.q!('әйгерім'));
    expect(query.toSQL().params).toEqual(['%әйгерім%', '%әйгерім%']);
    // The tables of a test database are small, so reading a whole table (or a whole btree)
    // would win on cost: forbid those to see that the pattern itself can be looked up in an index
    // (the plan PostgreSQL picks at 1M rows anyway).
    const plan = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      await tx.execute(sql`set local enable_indexscan = off`);
      await tx.execute(sql`set local enable_indexonlyscan = off`);
      return (await rowsOf<{ 'QUERY PLAN': string }>(tx, sql`explain ${query}`)).map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan, plan).toMatch(/Bitmap Index Scan on children_full_name_trgm/);
    expect(plan, plan).toMatch(/Bitmap Index Scan on applicants_full_name_trgm/);
    expect(plan, plan).not.toMatch(/Seq Scan on (children|applicants)\b/);
  });

  it('folds the case of Kazakh letters by the database’s own rules', async () => {
    const [row] = await rowsOf<{ lower: string; matches: boolean }>(
      database.db,
      sql`select lower('ӘӨҮҰҚҒҢҺІ') as lower, 'ӘӨҮҰҚҒҢҺІ' ilike '%әөүұқғңһі%' as matches`,
    );
    expect(row).toEqual({ lower: 'әөүұқғңһі', matches: true });
  });
});
