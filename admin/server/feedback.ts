import { eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { applications, feedback } from '../../db/schema/index.ts';
import { NotFoundError } from '../../core/errors.ts';
import { need, pathId, type ApiDeps, type ApiEnv } from './context.ts';
import { dateFrom, dateTo, int, listParams, oneOrMany, sendList, type ListSpec } from './simple-rest.ts';
import { languageSchema } from '../../core/input.ts';

const f = feedback;

const list: ListSpec = {
  resource: 'feedback',
  idColumn: f.id,
  sort: { id: [f.id], createdAt: [f.createdAt, f.id] },
  defaultSort: ['id', 'DESC'],
  filters: {
    applicationId: oneOrMany(f.applicationId, int),
    language: oneOrMany(f.language, languageSchema),
    from: dateFrom(f.createdAt),
    to: dateTo(f.createdAt),
  },
};

const columns = {
  id: f.id,
  applicationId: f.applicationId,
  applicationNumber: applications.number,
  language: f.language,
  withinDeadline: f.withinDeadline,
  process: f.process,
  information: f.information,
  electronic: f.electronic,
  complaints: f.complaints,
  courtesy: f.courtesy,
  comment: f.comment,
  createdAt: f.createdAt,
};

export function feedbackRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  return new Hono<ApiEnv>()
    .use(need('feedback.read'))
    .get('/', async (c) => {
      const p = listParams(c, list);
      const [rows, [count]] = await Promise.all([
        db.select(columns).from(f).leftJoin(applications, eq(applications.id, f.applicationId)).where(p.where).orderBy(...p.orderBy).limit(p.limit).offset(p.offset),
        db.select({ n: sql<number>`count(*)::int` }).from(f).where(p.where),
      ]);
      return sendList(c, 'feedback', rows, p.offset, count?.n ?? 0);
    })
    .get('/:id', async (c) => {
      const id = pathId(c);
      const [row] = await db.select(columns).from(f).leftJoin(applications, eq(applications.id, f.applicationId)).where(eq(f.id, id));
      if (!row) throw new NotFoundError('feedback', id);
      return c.json(row);
    });
}
