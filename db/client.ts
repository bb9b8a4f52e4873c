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
/** The one database type the rest of the code sees, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything that can run a query: the database or an open transaction. */
export type Queryable = Db | Tx;

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * A new PGlite data directory starts from this dump of an empty, migrated database (made by
 * `npm ci`, db/template.ts) instead of running initdb: the slowest part of a first start.
 * Migrations newer than the dump are applied on top as usual.
 */
export const pgliteTemplate = fileURLToPath(new URL('../dist/pglite-template.tar.gz', import.meta.url));

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** The raw postgres.js client (server only): COPY and benchmarks. */
  sql?: postgres.Sql;
  /** The raw PGlite instance (embedded only). */
  pglite?: PGlite;
}

/**
 * The PostgreSQL extensions the migrations create, which PGlite must load from its contrib
 * bundle: pass them to every PGlite that opens our data (a data directory or a dump of one).
 */
export const pgliteExtensions = { pg_trgm } satisfies PGliteOptions['extensions'];

export interface DatabaseOptions {
  url?: string | undefined;
  dataDir?: string | undefined;
  poolSize?: number | undefined;
  /**
   * The server only: how long a query waits to connect or for a free connection before it fails
   * (core/errors.ts isDatabaseUnavailable). Unset: the driver's defaults (wait 30 s to connect,
   * then as long as it takes).
   */
  timeoutMs?: number | undefined;
  /** An already created PGlite (tests clone a migrated one). */
  pglite?: PGlite;
  /** The dump a new data directory starts from, when it exists (default: pgliteTemplate). */
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
            // The driver's own backoff grows to 20 s between attempts after a few refused
            // connects, so queries kept waiting long after the server was back; a quarter of
            // the budget keeps both the wait and the recovery short.
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

/** Rows of a raw query, the same shape on both drivers. */
export async function rowsOf<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result: unknown = await q.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}

/** Splits rows for multi-row inserts: a statement carries at most 65,535 parameters. */
export function chunked<T>(rows: T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Many rows in one statement through jsonb_to_recordset: one parameter whatever the row count,
 * the same on PGlite and postgres.js, and far cheaper to build than a multi-row VALUES list.
 * All rows must have the same keys (the table's property names); omitted columns get defaults.
 */
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
