/** The commit re-checks every offer under lock and reports what changed since the preview. */
import { eq, inArray, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { chunked, type Queryable } from '../../db/client.ts';
import { allocationRounds, applications, children, districts, groups, kindergartens, queues, referrals, staffUsers } from '../../db/schema/index.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { commitRound, previewRound, type RoundPlan } from '../../core/rounds.ts';
import { LIST_NAMES, type QueueList } from '../../core/queue.ts';
import { actorOf, inScope, need, parseBody, pathId, readJson, scopeWhere, type ApiContext, type ApiDeps, type ApiEnv } from './context.ts';
import { dateFrom, dateTo, int, listParams, oneOrMany, sendList, type ListSpec } from './simple-rest.ts';
import type { Language } from '../../locales/languages.ts';

const r = allocationRounds;

/** Counts read from the stored plan in SQL, so a list page never ships the plans themselves. */
const seats = sql<number>`coalesce((${r.plan}->>'seats')::int, 0)`;
const children_ = sql<number>`coalesce((select sum(jsonb_array_length(o->'applicationIds'))::int from jsonb_array_elements(${r.plan}->'offers') o), 0)`;
const skipped = sql<number>`coalesce(jsonb_array_length(${r.plan}->'skipped'), 0)`;
const dropped = sql<number>`coalesce((select sum(jsonb_array_length(o->'applicationIds'))::int from jsonb_array_elements(coalesce(${r.plan}->'dropped', '[]'::jsonb)) o), 0)`;

const list: ListSpec = {
  resource: 'rounds',
  idColumn: r.id,
  sort: { id: [r.id], createdAt: [r.createdAt, r.id], committedAt: [r.committedAt, r.id], status: [r.status, r.id], districtId: [r.districtId, r.id] },
  defaultSort: ['id', 'DESC'],
  filters: {
    districtId: oneOrMany(r.districtId, int),
    status: oneOrMany(r.status, z.enum(r.status.enumValues)),
    createdFrom: dateFrom(r.createdAt),
    createdTo: dateTo(r.createdAt),
  },
};

const columns = {
  id: r.id,
  districtId: r.districtId,
  districtNameKk: districts.nameKk,
  districtNameRu: districts.nameRu,
  status: r.status,
  createdAt: r.createdAt,
  createdBy: r.createdBy,
  createdByName: staffUsers.fullName,
  committedAt: r.committedAt,
  seats,
  children: children_,
  skipped,
  dropped,
};

const previewSchema = z.object({ districtId: z.number().int().positive().max(2_147_483_647) });

export interface RoundOfferRow {
  rank: number;
  queueId: number;
  birthYear: number | null;
  language: Language | null;
  applicationId: number;
  number: string | null;
  childName: string | null;
  list: (typeof LIST_NAMES)[QueueList] | null;
  /** Twins are offered one group together: the other children of the same offer. */
  twinOf: number[];
  groupId: number;
  groupName: string | null;
  kindergartenId: number;
  kindergartenNumber: number | null;
  kindergartenNameKk: string | null;
  kindergartenNameRu: string | null;
  choice: number;
}

export interface RoundSkippedRow {
  applicationId: number;
  number: string | null;
  childName: string | null;
  rank: number | null;
  birthYear: number | null;
  language: Language | null;
  reason: string;
}

async function childrenOf(db: Queryable, ids: number[]) {
  const out = new Map<number, { number: string; childName: string; list: number }>();
  for (const chunk of chunked([...new Set(ids)], 5000)) {
    const rows = await db
      .select({ id: applications.id, number: applications.number, childName: children.fullName, list: applications.queueCategory })
      .from(applications)
      .innerJoin(children, eq(children.id, applications.childId))
      .where(inArray(applications.id, chunk));
    for (const row of rows) out.set(row.id, row);
  }
  return out;
}

async function describePlan(db: Queryable, plan: RoundPlan) {
  const offers = plan.offers ?? [];
  const skippedList = plan.skipped ?? [];
  const droppedList = plan.dropped ?? [];
  const groupIds = [...new Set(offers.map((o) => o.groupId))];
  const queueIds = [...new Set([...offers.map((o) => o.queueId), ...skippedList.map((s) => s.queueId)])];
  const [people, groupRows, queueRows] = await Promise.all([
    childrenOf(db, [...offers.flatMap((o) => o.applicationIds), ...skippedList.map((s) => s.applicationId), ...droppedList.flatMap((d) => d.applicationIds)]),
    groupIds.length
      ? db
          .select({ id: groups.id, name: groups.name, number: kindergartens.number, nameKk: kindergartens.nameKk, nameRu: kindergartens.nameRu })
          .from(groups)
          .innerJoin(kindergartens, eq(kindergartens.id, groups.kindergartenId))
          .where(inArray(groups.id, groupIds))
      : [],
    queueIds.length ? db.select().from(queues).where(inArray(queues.id, queueIds)) : [],
  ]);
  const groupOf = new Map(groupRows.map((g) => [g.id, g]));
  const queueOf = new Map(queueRows.map((q) => [q.id, q]));
  const listName = (list: number | undefined) => (list === undefined ? null : LIST_NAMES[list as QueueList]);

  const offerRows: RoundOfferRow[] = offers.flatMap((o) =>
    o.applicationIds.map((applicationId) => {
      const child = people.get(applicationId);
      const group = groupOf.get(o.groupId);
      const queue = queueOf.get(o.queueId);
      return {
        rank: o.rank,
        queueId: o.queueId,
        birthYear: queue?.birthYear ?? null,
        language: queue?.language ?? null,
        applicationId,
        number: child?.number ?? null,
        childName: child?.childName ?? null,
        list: listName(child?.list),
        twinOf: o.applicationIds.filter((id) => id !== applicationId),
        groupId: o.groupId,
        groupName: group?.name ?? null,
        kindergartenId: o.kindergartenId,
        kindergartenNumber: group?.number ?? null,
        kindergartenNameKk: group?.nameKk ?? null,
        kindergartenNameRu: group?.nameRu ?? null,
        choice: o.choice,
      };
    }),
  );
  const skippedRows: RoundSkippedRow[] = skippedList.map((s) => {
    const queue = queueOf.get(s.queueId);
    const child = people.get(s.applicationId);
    return {
      applicationId: s.applicationId,
      number: child?.number ?? null,
      childName: child?.childName ?? null,
      rank: s.rank,
      birthYear: queue?.birthYear ?? null,
      language: queue?.language ?? null,
      reason: s.reason,
    };
  });
  const droppedRows = droppedList.flatMap((d) =>
    d.applicationIds.map((applicationId) => ({
      applicationId,
      number: people.get(applicationId)?.number ?? null,
      childName: people.get(applicationId)?.childName ?? null,
      reason: d.reason,
    })),
  );
  return { offers: offerRows, skippedChildren: skippedRows, droppedChildren: droppedRows };
}

export function roundsRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  const from = () =>
    db
      .select(columns)
      .from(r)
      .innerJoin(districts, eq(districts.id, r.districtId))
      .leftJoin(staffUsers, eq(staffUsers.id, r.createdBy));

  async function roundInScope(c: ApiContext, id: number, permission: 'referrals.read' | 'referrals.write') {
    const [row] = await from().where(eq(r.id, id));
    if (!row || !inScope(c, permission, row.districtId)) throw new NotFoundError('allocation_round', id);
    return row;
  }

  async function detail(c: ApiContext, id: number, permission: 'referrals.read' | 'referrals.write' = 'referrals.read') {
    const row = await roundInScope(c, id, permission);
    const [stored] = await db.select({ plan: r.plan }).from(r).where(eq(r.id, id));
    const [offered] = await db.select({ n: sql<number>`count(*)::int` }).from(referrals).where(eq(referrals.roundId, id));
    return { ...row, offered: offered?.n ?? 0, ...(await describePlan(db, stored!.plan as RoundPlan)) };
  }

  return new Hono<ApiEnv>()
    .get('/', need('referrals.read'), async (c) => {
      const p = listParams(c, list, scopeWhere(c, 'referrals.read', r.districtId));
      const [rows, [count]] = await Promise.all([
        from().where(p.where).orderBy(...p.orderBy).limit(p.limit).offset(p.offset),
        db.select({ n: sql<number>`count(*)::int` }).from(r).where(p.where),
      ]);
      return sendList(c, 'rounds', rows, p.offset, count?.n ?? 0);
    })
    /** The region's settings the create page's help quotes (the 1:N alternation), so it never states a stale number. */
    .get('/rules', need('referrals.read'), (c) => c.json({ generalPerBeneficiary: deps.policy.generalPerBeneficiary }))
    .get('/:id', need('referrals.read'), async (c) => c.json(await detail(c, pathId(c))))
    .post('/', need('referrals.write'), async (c) => {
      const { districtId } = parseBody(previewSchema, await readJson(c));
      const [district] = await db.select({ id: districts.id }).from(districts).where(eq(districts.id, districtId));
      if (!district) throw new ValidationError([{ field: 'districtId', code: 'district_unknown' }]);
      if (!inScope(c, 'referrals.write', districtId)) throw new ValidationError([{ field: 'districtId', code: 'district_not_yours' }]);
      const { roundId } = await previewRound(db, { districtId, actor: actorOf(c), policy: deps.policy });
      return c.json(await detail(c, roundId), 201);
    })
    .post('/:id/commit', need('referrals.write'), async (c) => {
      const id = pathId(c);
      await roundInScope(c, id, 'referrals.write');
      const result = await commitRound(db, { roundId: id, actor: actorOf(c), policy: deps.policy });
      const round = await detail(c, id);
      return c.json({
        ...round,
        changes: {
          offered: result.referrals.length,
          dropped: result.dropped.reduce((n, d) => n + d.applicationIds.length, 0),
        },
      });
    });
}
