import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import type { PgColumn, PgDatabase, PgQueryResultHKT, PgTable } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Queryable = Db | Tx;

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** A new PGlite data directory starts from this dump instead of running initdb, the slowest part of a first start. */
export const pgliteTemplate = fileURLToPath(new URL('../dist/pglite-template.tar.gz', import.meta.url));

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
  sql?: postgres.Sql;
  pglite?: PGlite;
}

/** PGlite must load the extensions the migrations create from its contrib bundle. */
export const pgliteExtensions = { pg_trgm } satisfies PGliteOptions['extensions'];

export interface DatabaseOptions {
  url?: string | undefined;
  dataDir?: string | undefined;
  poolSize?: number | undefined;
  /** Server only; unset, the driver waits as long as it takes (core/errors.ts isDatabaseUnavailable). */
  timeoutMs?: number | undefined;
  pglite?: PGlite;
  template?: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const seconds = options.timeoutMs ? options.timeoutMs / 1000 : undefined;
    const client = postgres(options.url, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
      ...(seconds
        ? {
            connect_timeout: seconds,
            acquire_timeout: seconds,
            // The driver's own backoff grows long after a few refused connects, so queries kept
            // waiting after the server was back; a quarter of the budget keeps recovery short.
            backoff: (retries: number) => Math.min(seconds / 4, 0.05 * 2 ** retries),
          }
        : {}),
    });
    const db = drizzlePostgres(client, { schema, casing: 'snake_case' }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      sql: client,
      migrate: () => migratePostgres(drizzlePostgres(client), { migrationsFolder }),
      close: () => client.end({ timeout: 5 }),
    };
  }
  let pg = options.pglite;
  if (!pg) {
    const dir = options.dataDir;
    const onDisk = dir && dir !== 'memory://';
    if (onDisk) mkdirSync(dir, { recursive: true });
    const template = options.template ?? pgliteTemplate;
    const fresh = onDisk && readdirSync(dir).length === 0 && existsSync(template);
    pg = await PGlite.create({
      ...(onDisk ? { dataDir: dir } : {}),
      ...(fresh ? { loadDataDir: new Blob([readFileSync(template)]) } : {}),
      extensions: pgliteExtensions,
    });
  }
  const lite = pg;
  const db = drizzlePglite(lite, { schema, casing: 'snake_case' }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: lite,
    migrate: () => migratePglite(drizzlePglite(lite), { migrationsFolder }),
    close: () => lite.close(),
  };
}

export async function rowsOf<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result: unknown = await q.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}

/** A statement carries at most 65,535 parameters. */
export function chunked<T>(rows: T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** One parameter whatever the row count, on both drivers. All rows must have the same keys. */
export async function bulkInsert<T extends PgTable>(
  q: Queryable,
  table: T,
  rows: Partial<T['$inferInsert']>[],
  options: { onConflict?: SQL; returning?: string[] } = {},
): Promise<Record<string, unknown>[]> {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keys = Object.keys(rows[0]!).filter((k) => columns[k]);
  const names = keys.map((k) => toSnakeCase(k));
  const list = sql.raw(names.map((n) => `"${n}"`).join(', '));
  const defs = sql.raw(keys.map((k, i) => `"${names[i]}" ${columns[k]!.getSQLType()}`).join(', '));
  const json = JSON.stringify(rows.map((r) => keys.map((k) => (r as Record<string, unknown>)[k] ?? null)).map((values) =>
    Object.fromEntries(values.map((v, i) => [names[i], v instanceof Date ? v.toISOString() : v])),
  ));
  return rowsOf<Record<string, unknown>>(
    q,
    sql`insert into ${table} (${list}) select ${list} from jsonb_to_recordset(${json}::jsonb) as x(${defs})
        ${options.onConflict ?? sql``}
        ${options.returning ? sql.raw(`returning ${options.returning.map((c) => `"${c}"`).join(', ')}`) : sql``}`,
  );
}
