/** ra-data-simple-rest's contract. Unknown sort or filter fields are a 400, never a raw column name in SQL. */
import { and, asc, desc, gte, inArray, lte, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { integer, INT_RANGES, isoDateOrTime, jsonInputError } from '../../core/input.ts';
import type { ApiContext } from './context.ts';

export const MAX_PAGE = 100;
const MAX_IDS = 1000;

type Order = AnyColumn | SQL;
export type FilterBuilder = (value: unknown) => SQL | undefined;

export interface ListSpec {
  resource: string;
  /** Ties are broken by the last expression: make it unique. */
  sort: Record<string, Order[]>;
  defaultSort: [string, 'ASC' | 'DESC'];
  filters: Record<string, FilterBuilder>;
  idColumn?: AnyColumn;
}

export interface ListParams {
  where: SQL | undefined;
  orderBy: SQL[];
  limit: number;
  offset: number;
  filter: Record<string, unknown>;
}

const sortSchema = z.tuple([z.string().max(64), z.enum(['ASC', 'DESC', 'asc', 'desc'])]);
const rangeSchema = z.tuple([z.number().int().min(0).max(10_000_000), z.number().int().min(0).max(10_000_100)]);
const filterSchema = z.record(z.string().max(64), z.unknown());

function json<T>(raw: string | undefined, schema: z.ZodType<T>, field: string): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ValidationError([{ field, code: 'invalid' }]);
  }
  const error = jsonInputError(value, field);
  if (error) throw new ValidationError([error]);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError([{ field, code: 'invalid' }]);
  return parsed.data;
}

function intRange(column: AnyColumn): { min: number; max: number } | null {
  switch (column.columnType) {
    case 'PgSmallInt':
    case 'PgSmallSerial':
      return INT_RANGES.int2;
    case 'PgInteger':
    case 'PgSerial':
      return INT_RANGES.int4;
    case 'PgBigInt53':
    case 'PgBigSerial53':
      return INT_RANGES.int8;
    default:
      return null;
  }
}

/** Numbers must fit the column's type, so PostgreSQL never sees one out of range. */
export function oneOrMany<T>(column: AnyColumn, schema: z.ZodType<T>): FilterBuilder {
  const range = intRange(column);
  const fits = (v: unknown) => !range || typeof v !== 'number' || (v >= range.min && v <= range.max);
  const parser = z.union([schema, z.array(schema).min(1).max(MAX_IDS)]);
  return (value) => {
    const parsed = parser.safeParse(value);
    if (!parsed.success) throw new ValidationError([{ field: 'filter', code: 'invalid' }]);
    const v = parsed.data;
    if (!(Array.isArray(v) ? v.every(fits) : fits(v))) throw new ValidationError([{ field: 'filter', code: 'invalid' }]);
    return Array.isArray(v) ? inArray(column, v) : sql`${column} = ${v}`;
  };
}

export function intOf(column: AnyColumn) {
  return integer(intRange(column) ?? INT_RANGES.int4);
}

export const int = integer(INT_RANGES.int4);

function dateOf(value: unknown): Date {
  const parsed = isoDateOrTime.safeParse(value);
  if (!parsed.success) throw new ValidationError([{ field: 'filter', code: 'invalid' }]);
  return new Date(parsed.data);
}

export function dateFrom(column: AnyColumn): FilterBuilder {
  return (value) => gte(column, dateOf(value));
}

/** Date pickers send YYYY-MM-DD: up to the end of that day. */
export function dateTo(column: AnyColumn): FilterBuilder {
  return (value) => {
    const date = dateOf(value);
    const end = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(date.getTime() + 86_399_999) : date;
    return lte(column, end);
  };
}

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export interface ListQuery {
  filter: Record<string, unknown>;
  sort: [string, 'ASC' | 'DESC'] | undefined;
  range: [number, number] | undefined;
}

export function readListQuery(c: ApiContext): ListQuery {
  const filter = json(c.req.query('filter'), filterSchema, 'filter') ?? {};
  const sort = json(c.req.query('sort'), sortSchema, 'sort');
  const range = json(c.req.query('range'), rangeSchema, 'range');
  if (range && range[1] < range[0]) throw new ValidationError([{ field: 'range', code: 'invalid' }]);
  return {
    // react-admin sends cleared inputs as "" or null: no filter.
    filter: Object.fromEntries(
      Object.entries(filter).filter(([, v]) => v !== '' && v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)),
    ),
    sort: sort ? [sort[0], sort[1].toUpperCase() === 'DESC' ? 'DESC' : 'ASC'] : undefined,
    range,
  };
}

export function pageOf(query: ListQuery, ids = 0): { limit: number; offset: number } {
  if (!query.range) return { limit: ids ? Math.min(ids, MAX_IDS) : 25, offset: 0 };
  const [start, end] = query.range;
  return { offset: start, limit: Math.min(end - start + 1, ids ? MAX_IDS : MAX_PAGE) };
}

export function listParams(c: ApiContext, spec: ListSpec, extra?: SQL, query: ListQuery = readListQuery(c)): ListParams {
  const { filter } = query;
  const [sortField, sortOrder] = query.sort ?? spec.defaultSort;
  const conditions: SQL[] = extra ? [extra] : [];
  let ids = 0;
  for (const [name, value] of Object.entries(filter)) {
    if (name === 'id' && spec.idColumn) {
      const list = Array.isArray(value) ? value : [value];
      ids = list.length;
      conditions.push(oneOrMany(spec.idColumn, int)(list)!);
      continue;
    }
    const build = spec.filters[name];
    if (!build) throw new ValidationError([{ field: `filter.${name}`, code: 'invalid' }]);
    const condition = build(value);
    if (condition) conditions.push(condition);
  }
  const order = spec.sort[sortField];
  if (!order) throw new ValidationError([{ field: 'sort', code: 'invalid' }]);
  const dir = sortOrder === 'DESC' ? desc : asc;
  return {
    where: conditions.length ? and(...conditions) : undefined,
    orderBy: order.map((o) => dir(o)),
    ...pageOf(query, ids),
    filter,
  };
}

/** postgres.js keeps prepared statements per connection by text, so a filter shape is planned once per connection. */
export function prepared<T>(query: { prepare(name: string): { execute(): Promise<T> } }): Promise<T> {
  return query.prepare('panel_list').execute();
}

export function sendList(c: ApiContext, resource: string, rows: unknown[], offset: number, total: number) {
  const range = rows.length ? `${offset}-${offset + rows.length - 1}` : '*';
  c.header('Content-Range', `${resource} ${range}/${total}`);
  c.header('Access-Control-Expose-Headers', 'Content-Range');
  return c.json(rows);
}
