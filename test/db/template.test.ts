import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { migrationsFolder, openDatabase, rowsOf } from '../../db/client.ts';
import { writePgliteTemplate } from '../../db/template.ts';
import { sql } from 'drizzle-orm';

const dir = mkdtempSync(join(tmpdir(), 'balabaqsha-template-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('starts a new data directory from the migrated template, then opens it again as it was left', async () => {
  const template = join(dir, 'template.tar.gz');
  await writePgliteTemplate(template);
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };

  const first = await openDatabase({ dataDir: join(dir, 'data'), template });
  // Every migration is in the template already: nothing is left to apply.
  const applied = async () => (await rowsOf<{ n: number }>(first.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n;
  expect(await applied()).toBe(journal.entries.length);
  await first.migrate();
  expect(await applied()).toBe(journal.entries.length);
  await first.db.execute(sql`insert into localities (kato, name_kk, name_ru) values ('750000000', 'Алматы', 'Алматы')`);
  await first.close();

  // A directory that has data is opened as it is, never reset from the template.
  const again = await openDatabase({ dataDir: join(dir, 'data'), template });
  expect((await rowsOf<{ n: number }>(again.db, sql`select count(*)::int as n from localities`))[0]!.n).toBe(1);
  await again.close();
});
