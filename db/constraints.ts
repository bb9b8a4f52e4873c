/** Violations are mapped by SQLSTATE and the constraint's columns, never by matching an error message. */
import { getTableName, is, Table } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import { getTableConfig, IndexedColumn, PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import * as schema from './schema/index.ts';

export interface Constraint {
  kind: 'unique' | 'check';
  table: string;
  columns: string[];
}

/** A column's name in the database: drizzle-kit applies the snake_case casing to unnamed columns. */
const dbName = (column: IndexedColumn) => (column.keyAsName ? toSnakeCase(column.name ?? '') : (column.name ?? ''));

function constraintsOf(table: PgTable): [string, Constraint][] {
  const config = getTableConfig(table);
  const name = getTableName(table);
  const keyOf = new Map(Object.entries(table).flatMap(([key, value]) => (is(value, PgColumn) ? [[value, key] as const] : [])));
  const keys = (columns: PgColumn[]) => columns.map((c) => keyOf.get(c) ?? c.name);
  const byName = new Map(config.columns.map((c) => [c.name, c]));
  const out: [string, Constraint][] = [];
  for (const column of config.columns) {
    if (column.isUnique && column.uniqueName) out.push([column.uniqueName, { kind: 'unique', table: name, columns: keys([column]) }]);
  }
  for (const unique of config.uniqueConstraints) {
    const uniqueName = unique.getName();
    if (uniqueName) out.push([uniqueName, { kind: 'unique', table: name, columns: keys(unique.columns) }]);
  }
  for (const index of config.indexes) {
    if (!index.config.unique) continue;
    // Indexes hold copies of their columns (IndexedColumn): find the table's own by name.
    const indexed = index.config.columns.filter((c) => is(c, IndexedColumn));
    // drizzle-kit names an unnamed index after its table and columns.
    const indexName = index.config.name ?? `${name}_${indexed.map(dbName).join('_')}_index`;
    const columns = indexed.map((c) => byName.get(c.name ?? '')).filter((c) => c !== undefined);
    out.push([indexName, { kind: 'unique', table: name, columns: keys(columns) }]);
  }
  for (const check of config.checks) out.push([check.name, { kind: 'check', table: name, columns: [] }]);
  return out;
}

/** PostgreSQL cuts identifiers to 63 bytes (NAMEDATALEN − 1), and reports them cut. */
const identifier = (name: string) => Buffer.from(name).subarray(0, 63).toString();

export const CONSTRAINTS: ReadonlyMap<string, Constraint> = new Map(
  Object.values(schema as Record<string, unknown>)
    .filter((value): value is PgTable => is(value, Table))
    .flatMap(constraintsOf)
    .map(([name, constraint]) => [identifier(name), constraint]),
);

export const PG_CODES = { uniqueViolation: '23505', checkViolation: '23514' } as const;

/** postgres.js calls the name constraint_name, PGlite constraint; Drizzle may wrap it deep. */
export function databaseErrorOf(err: unknown): { code: string; constraint: string | null } | null {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; constraint_name?: unknown; constraint?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      const constraint = e.constraint_name ?? e.constraint;
      return { code: e.code, constraint: typeof constraint === 'string' ? constraint : null };
    }
    current = e.cause;
  }
  return null;
}

export function uniqueViolation(err: unknown): (Constraint & { name: string }) | null {
  const found = databaseErrorOf(err);
  if (found?.code !== PG_CODES.uniqueViolation || !found.constraint) return null;
  const constraint = CONSTRAINTS.get(found.constraint);
  return constraint ? { ...constraint, name: found.constraint } : null;
}

export function checkViolation(err: unknown): (Constraint & { name: string }) | null {
  const found = databaseErrorOf(err);
  if (found?.code !== PG_CODES.checkViolation || !found.constraint) return null;
  const constraint = CONSTRAINTS.get(found.constraint);
  return constraint ? { ...constraint, name: found.constraint } : null;
}
