/**
 * The constraint names the code maps errors by (db/constraints.ts, read from the Drizzle schema)
 * are the names the migrations gave the database, and a violation is recognised whichever driver
 * raised it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../../db/client.ts';
import { CONSTRAINTS, checkViolation, uniqueViolation } from '../../db/constraints.ts';
import { districts, groups } from '../../db/schema/index.ts';
import { openTestDatabase } from '../support/db.ts';
import { createPlaces } from '../support/factories.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('constraints', () => {
  it('knows every unique and check constraint of the migrated database by its real name', async () => {
    const rows = await rowsOf<{ name: string; table: string; kind: string }>(
      database.db,
      sql`select c.conname as name, t.relname as "table", case c.contype when 'c' then 'check' else 'unique' end as kind
            from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
           where n.nspname = 'public' and c.contype in ('u', 'c')
          union
          select i.relname, t.relname, 'unique'
            from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
            join pg_namespace n on n.oid = t.relnamespace
           where n.nspname = 'public' and x.indisunique and not x.indisprimary`,
    );
    expect(rows.length).toBeGreaterThan(15);
    for (const row of rows) expect(CONSTRAINTS.get(row.name), row.name).toMatchObject({ table: row.table, kind: row.kind });
    expect(CONSTRAINTS.get('kindergartens_districtId_number_unique')?.columns).toEqual(['districtId', 'number']);
  });

  it('recognises a unique and a check violation from the driver, with the columns as the schema names them', async () => {
    const places = await createPlaces(database.db);
    const [district] = await database.db.select().from(districts).where(sql`${districts.id} = ${places.districtId}`);
    const duplicate = await database.db
      .insert(districts)
      .values({ localityId: district!.localityId, code: district!.code, nameKk: 'x', nameRu: 'x' })
      .catch((err: unknown) => err);
    expect(uniqueViolation(duplicate)).toMatchObject({ table: 'districts', columns: ['code'], name: 'districts_code_unique' });
    expect(checkViolation(duplicate)).toBeNull();
    const over = await database.db
      .update(groups)
      .set({ enrolled: 1000 })
      .where(sql`${groups.id} = ${places.groupIds[0]}`)
      .catch((err: unknown) => err);
    expect(checkViolation(over)).toMatchObject({ table: 'groups', name: 'groups_capacity_check' });
    expect(uniqueViolation(new Error('districts_code_unique'))).toBeNull();
  });
});
