import { eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { groups, kindergartens } from '../../db/schema/index.ts';
import { createGroup, updateGroup } from '../../core/kindergartens.ts';
import { freeSeats, seatsHeld } from '../../core/seats.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { actorOf, inScope, need, pathId, pick, readJson, scopeWhere, type ApiDeps, type ApiEnv } from './context.ts';
import { int, listParams, oneOrMany, sendList, type ListSpec } from './simple-rest.ts';

const g = groups;
const held = seatsHeld(g.id);
const free = freeSeats(g.capacity, g.enrolled, held);

const list: ListSpec = {
  resource: 'groups',
  idColumn: g.id,
  sort: {
    birthYear: [g.birthYear, g.language, g.id],
    id: [g.id],
    name: [g.name, g.id],
    capacity: [g.capacity, g.id],
    free: [free, g.id],
    kindergartenId: [g.kindergartenId, g.birthYear, g.id],
  },
  defaultSort: ['birthYear', 'DESC'],
  filters: {
    kindergartenId: oneOrMany(g.kindergartenId, int),
    birthYear: oneOrMany(g.birthYear, int),
    language: oneOrMany(g.language, z.enum(g.language.enumValues)),
    districtId: oneOrMany(kindergartens.districtId, int),
    hasFree: (value) => {
      if (typeof value !== 'boolean') throw new ValidationError([{ field: 'filter.hasFree', code: 'invalid' }]);
      return value ? sql`${free} > 0` : undefined;
    },
  },
};

const columns = {
  id: g.id,
  kindergartenId: g.kindergartenId,
  kindergartenNumber: kindergartens.number,
  districtId: kindergartens.districtId,
  name: g.name,
  birthYear: g.birthYear,
  language: g.language,
  capacity: g.capacity,
  enrolled: g.enrolled,
  held,
  free,
};

export function groupsRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  return new Hono<ApiEnv>()
    .get('/', need('places.read'), async (c) => {
      const p = listParams(c, list, scopeWhere(c, 'places.read', kindergartens.districtId));
      const from = () => db.select(columns).from(g).innerJoin(kindergartens, eq(kindergartens.id, g.kindergartenId));
      const [rows, [count]] = await Promise.all([
        from().where(p.where).orderBy(...p.orderBy).limit(p.limit).offset(p.offset),
        db
          .select({ n: sql<number>`count(*)::int` })
          .from(g)
          .innerJoin(kindergartens, eq(kindergartens.id, g.kindergartenId))
          .where(p.where),
      ]);
      return sendList(c, 'groups', rows, p.offset, count?.n ?? 0);
    })
    .get('/:id', need('places.read'), async (c) => {
      const id = pathId(c);
      const [row] = await db.select(columns).from(g).innerJoin(kindergartens, eq(kindergartens.id, g.kindergartenId)).where(eq(g.id, id));
      if (!row || !inScope(c, 'places.read', row.districtId)) throw new NotFoundError('group', id);
      return c.json(row);
    })
    .post('/', need('groups.write'), async (c) => {
      const body = await readJson(c);
      const kindergartenId = z.object({ kindergartenId: int }).safeParse(body);
      if (kindergartenId.success) {
        const [kg] = await db.select({ districtId: kindergartens.districtId }).from(kindergartens).where(eq(kindergartens.id, kindergartenId.data.kindergartenId));
        if (kg && !inScope(c, 'groups.write', kg.districtId)) throw new ValidationError([{ field: 'kindergartenId', code: 'district_not_yours' }]);
      }
      return c.json(await createGroup(db, body, actorOf(c)), 201);
    })
    .put('/:id', need('groups.write'), async (c) => {
      const id = pathId(c);
      const [row] = await db
        .select({ districtId: kindergartens.districtId })
        .from(g)
        .innerJoin(kindergartens, eq(kindergartens.id, g.kindergartenId))
        .where(eq(g.id, id));
      if (!row || !inScope(c, 'groups.write', row.districtId)) throw new NotFoundError('group', id);
      return c.json(await updateGroup(db, id, pick(await readJson(c), ['name', 'capacity', 'enrolled']), actorOf(c)));
    });
}
