import { eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { dayTransfers } from '../../db/schema/index.ts';
import { createDayTransfer, deleteDayTransfer, updateDayTransfer } from '../../core/day-transfers.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { actorOf, need, pathId, pick, readJson, type ApiDeps, type ApiEnv } from './context.ts';
import { int, listParams, sendList, type ListSpec } from './simple-rest.ts';

const t = dayTransfers;
const list: ListSpec = {
  resource: 'day-transfers',
  idColumn: t.id,
  sort: { day: [t.day, t.id], id: [t.id] },
  defaultSort: ['day', 'DESC'],
  filters: {
    year: (value) => {
      const year = int.safeParse(value);
      if (!year.success) throw new ValidationError([{ field: 'filter.year', code: 'invalid' }]);
      return sql`extract(year from ${t.day}) = ${year.data}`;
    },
  },
};

const EDITABLE = ['day', 'working', 'decree'] as const;

export function dayTransfersRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  return new Hono<ApiEnv>()
    .use(need('calendar.write'))
    .get('/', async (c) => {
      const p = listParams(c, list);
      const [rows, [count]] = await Promise.all([
        db.select().from(t).where(p.where).orderBy(...p.orderBy).limit(p.limit).offset(p.offset),
        db.select({ n: sql<number>`count(*)::int` }).from(t).where(p.where),
      ]);
      return sendList(c, 'day-transfers', rows, p.offset, count?.n ?? 0);
    })
    .get('/:id', async (c) => {
      const id = pathId(c);
      const [row] = await db.select().from(t).where(eq(t.id, id));
      if (!row) throw new NotFoundError('day_transfer', id);
      return c.json(row);
    })
    .post('/', async (c) => c.json(await createDayTransfer(db, pick(await readJson(c), EDITABLE), actorOf(c)), 201))
    .put('/:id', async (c) => c.json(await updateDayTransfer(db, pathId(c), pick(await readJson(c), EDITABLE), actorOf(c))))
    .delete('/:id', async (c) => c.json(await deleteDayTransfer(db, pathId(c), actorOf(c))));
}
