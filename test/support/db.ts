import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { openDatabase, pgliteExtensions, type Database } from '../../db/client.ts';

/** On PostgreSQL the run's files share one database: tests make their own districts and children. */
export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<Database> {
  if (inject('backend') === 'pglite') {
    const pglite = await PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]), extensions: pgliteExtensions });
    return openDatabase({ pglite });
  }
  return openDatabase({ url: inject('databaseUrl'), poolSize: options.poolSize ?? 4 });
}

export const backend = () => inject('backend');
