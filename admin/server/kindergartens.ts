import { eq, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { kindergartens } from '../../db/schema/index.ts';
import { createKindergarten, updateKindergarten } from '../../core/kindergartens.ts';
import { freeSeats, seatsHeld } from '../../core/seats.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { actorOf, inScope, need, pathId, pick, readJson, scopeWhere, type ApiDeps, type ApiEnv } from './context.ts';
import { int, likePattern, listParams, oneOrMany, sendList, type ListSpec } from './simple-rest.ts';
import { languageSchema } from '../../core/input.ts';

const k = kindergartens;

export const seatColumns = {
  groups: sql<number>`(select count(*)::int from groups g where g.kindergarten_id = kindergartens.id)`,
  capacity: sql<number>`(select coalesce(sum(g.capacity), 0)::int from groups g where g.kindergarten_id = kindergartens.id)`,
  enrolled: sql<number>`(select coalesce(sum(g.enrolled), 0)::int from groups g where g.kindergarten_id = kindergartens.id)`,
  held: sql<number>`(select count(*)::int from referrals r join groups g on g.id = r.group_id
    where g.kindergarten_id = kindergartens.id and r.status in ('offered', 'issued'))`,
  /** A full group lends no seats to another. */
  free: sql<number>`(select coalesce(sum(${freeSeats(sql`g.capacity`, sql`g.enrolled`, seatsHeld(sql`g.id`))}), 0)::int
    from groups g where g.kindergarten_id = kindergartens.id)`,
};

function search(value: unknown): SQL | undefined {
  const q = z.string().max(200).safeParse(value);
  if (!q.success) throw new ValidationError([{ field: 'filter.q', code: 'invalid' }]);
  const text = q.data.trim();
  if (!text) return undefined;
  if (/^\d{1,6}$/.test(text)) return eq(k.number, Number(text));
  const pattern = likePattern(text);
  return sql`(${k.nameKk} ilike ${pattern} or ${k.nameRu} ilike ${pattern})`;
}

const list: ListSpec = {
  resource: 'kindergartens',
  idColumn: k.id,
  sort: { number: [k.number, k.id], id: [k.id], districtId: [k.districtId, k.number, k.id], nameRu: [k.nameRu, k.id], nameKk: [k.nameKk, k.id] },
  defaultSort: ['number', 'ASC'],
  filters: {
    q: search,
    districtId: oneOrMany(k.districtId, int),
    active: oneOrMany(k.active, int),
    language: (value) => {
      const lang = languageSchema.safeParse(value);
      if (!lang.success) throw new ValidationError([{ field: 'filter.language', code: 'invalid' }]);
      return sql`${lang.data}::language = any(${k.languages})`;
    },
  },
};

export function kindergartensRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  const columns = {
    id: k.id,
    districtId: k.districtId,
    number: k.number,
    nameKk: k.nameKk,
    nameRu: k.nameRu,
    addressKk: k.addressKk,
    addressRu: k.addressRu,
    phone: k.phone,
    languages: k.languages,
    active: k.active,
    ...seatColumns,
  };

  return new Hono<ApiEnv>()
    .get('/', need('places.read'), async (c) => {
      const p = listParams(c, list, scopeWhere(c, 'places.read', k.districtId));
      const [rows, [count]] = await Promise.all([
        db.select(columns).from(k).where(p.where).orderBy(...p.orderBy).limit(p.limit).offset(p.offset),
        db.select({ n: sql<number>`count(*)::int` }).from(k).where(p.where),
      ]);
      return sendList(c, 'kindergartens', rows, p.offset, count?.n ?? 0);
    })
    .get('/:id', need('places.read'), async (c) => {
      const id = pathId(c);
      const [found] = await db.select(columns).from(k).where(eq(k.id, id));
      if (!found || !inScope(c, 'places.read', found.districtId)) throw new NotFoundError('kindergarten', id);
      return c.json(found);
    })
    .post('/', need('places.write'), async (c) => {
      const created = await createKindergarten(db, await readJson(c), actorOf(c));
      return c.json(created, 201);
    })
    .put('/:id', need('places.write'), async (c) => {
      const id = pathId(c);
      // react-admin sends the whole record back (seats included): keep the editable fields.
      const editable = pick(await readJson(c), ['number', 'nameKk', 'nameRu', 'addressKk', 'addressRu', 'phone', 'languages', 'active']);
      return c.json(await updateKindergarten(db, id, editable, actorOf(c)));
    });
}
