import { asc, eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { districts } from '../../db/schema/index.ts';
import { NotFoundError } from '../../core/errors.ts';
import { need, pathId, type ApiDeps, type ApiEnv } from './context.ts';
import { listParams, sendList, type ListSpec } from './simple-rest.ts';

const d = districts;
const list: ListSpec = {
  resource: 'districts',
  idColumn: d.id,
  sort: { id: [d.id], nameRu: [d.nameRu, d.id], nameKk: [d.nameKk, d.id] },
  defaultSort: ['nameRu', 'ASC'],
  filters: {},
};

export function districtsRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  return new Hono<ApiEnv>()
    .use(need('districts.read'))
    .get('/', async (c) => {
      const p = listParams(c, list);
      const rows = await db.select().from(d).where(p.where).orderBy(...p.orderBy, asc(d.id)).limit(p.limit).offset(p.offset);
      const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(d).where(p.where);
      return sendList(c, 'districts', rows, p.offset, count?.n ?? 0);
    })
    .get('/:id', async (c) => {
      const id = pathId(c);
      const [row] = await db.select().from(d).where(eq(d.id, id));
      if (!row) throw new NotFoundError('district', id);
      return c.json(row);
    });
}
