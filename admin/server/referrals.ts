/**
 * /api/referrals: offers and referrals (appendix 3) of the user's districts. Staff offer a
 * group's free seat to the next child in the queue, confirm or decline an offer for a parent
 * who phoned or came in, extend a referral once, and record the enrolment — all in core/.
 */
import { eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { applicants, applications, children, groups, kindergartens, referrals } from '../../db/schema/index.ts';
import { NotFoundError } from '../../core/errors.ts';
import { offerNextInQueue } from '../../core/placement.ts';
import { confirmOffer, DECISION_CHANNELS, declineOffer, enrolReferral, extendReferral, type OnBehalf } from '../../core/referrals.ts';
import { printReferral } from '../../core/result-documents.ts';
import { actorOf, idParam, inScope, need, parseBody, pathId, readJson, scopeWhere, type ApiContext, type ApiDeps, type ApiEnv } from './context.ts';
import { langOf, sendPdf } from './print.ts';
import { dateFrom, dateTo, int, listParams, oneOrMany, sendList, type ListSpec } from './simple-rest.ts';

const r = referrals;

const list: ListSpec = {
  resource: 'referrals',
  idColumn: r.id,
  sort: { id: [r.id], offeredAt: [r.offeredAt, r.id], confirmBy: [r.confirmBy, r.id], status: [r.status, r.id] },
  defaultSort: ['id', 'DESC'],
  filters: {
    status: oneOrMany(r.status, z.enum(r.status.enumValues)),
    applicationId: oneOrMany(r.applicationId, int),
    groupId: oneOrMany(r.groupId, int),
    kindergartenId: oneOrMany(groups.kindergartenId, int),
    districtId: oneOrMany(applications.districtId, int),
    offeredFrom: dateFrom(r.offeredAt),
    offeredTo: dateTo(r.offeredAt),
  },
};

const columns = {
  id: r.id,
  number: r.number,
  applicationId: r.applicationId,
  applicationNumber: applications.number,
  childName: children.fullName,
  /** The language the parent's documents are printed in unless staff pick the other. */
  parentLanguage: applicants.language,
  districtId: applications.districtId,
  groupId: r.groupId,
  groupName: groups.name,
  birthYear: groups.birthYear,
  language: groups.language,
  kindergartenId: groups.kindergartenId,
  kindergartenNumber: kindergartens.number,
  kindergartenNameKk: kindergartens.nameKk,
  kindergartenNameRu: kindergartens.nameRu,
  status: r.status,
  offeredAt: r.offeredAt,
  confirmBy: r.confirmBy,
  issuedAt: r.issuedAt,
  presentBy: r.presentBy,
  extendedUntil: r.extendedUntil,
  extensions: r.extensions,
  closedAt: r.closedAt,
  roundId: r.roundId,
};

const offerSchema = z.object({ groupId: idParam });
/** A decision staff record for a parent (or the kindergarten): why, and how it reached them. */
const onBehalfSchema = z.object({
  reason: z.string().trim().min(1).max(500),
  channel: z.enum(DECISION_CHANNELS),
  comment: z.string().trim().max(1000).nullish(),
});
const extendSchema = z.object({ days: z.number().int().min(1).max(365), reason: z.string().trim().min(1).max(500) });

export function referralsRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  const from = () =>
    db
      .select(columns)
      .from(r)
      .innerJoin(applications, eq(applications.id, r.applicationId))
      .innerJoin(children, eq(children.id, applications.childId))
      .innerJoin(applicants, eq(applicants.id, applications.applicantId))
      .innerJoin(groups, eq(groups.id, r.groupId))
      .innerJoin(kindergartens, eq(kindergartens.id, groups.kindergartenId));

  async function referralInScope(c: ApiContext, id: number) {
    const [row] = await from().where(eq(r.id, id));
    if (!row || !inScope(c, c.req.method === 'GET' ? 'referrals.read' : 'referrals.write', row.districtId)) {
      throw new NotFoundError('referral', id);
    }
    return row;
  }

  const act =
    (run: (input: { referralId: number; actor: ReturnType<typeof actorOf>; policy: ApiDeps['policy']; onBehalf: OnBehalf }) => Promise<unknown>) =>
    async (c: ApiContext) => {
      const id = pathId(c);
      await referralInScope(c, id);
      const onBehalf = parseBody(onBehalfSchema, await readJson(c));
      await run({ referralId: id, actor: actorOf(c), policy: deps.policy, onBehalf });
      return c.json(await referralInScope(c, id));
    };

  return new Hono<ApiEnv>()
    .get('/', need('referrals.read'), async (c) => {
      const p = listParams(c, list, scopeWhere(c, 'referrals.read', applications.districtId));
      const [rows, [count]] = await Promise.all([
        from().where(p.where).orderBy(...p.orderBy).limit(p.limit).offset(p.offset),
        db
          .select({ n: sql<number>`count(*)::int` })
          .from(r)
          .innerJoin(applications, eq(applications.id, r.applicationId))
          .innerJoin(groups, eq(groups.id, r.groupId))
          .where(p.where),
      ]);
      return sendList(c, 'referrals', rows, p.offset, count?.n ?? 0);
    })
    .get('/:id', need('referrals.read'), async (c) => c.json(await referralInScope(c, pathId(c))))
    /** The issued referral as the bot sends it (appendix 3, QR code, verify link), for printing; ?lang=kk|ru. */
    .get('/:id/pdf', need('referrals.read'), async (c) => {
      const id = pathId(c);
      await referralInScope(c, id);
      return sendPdf(c, await printReferral(db, { referralId: id, actor: actorOf(c), lang: langOf(c), config: deps.config, policy: deps.policy }));
    })
    /** Offers a group's free seat to the next child in the queue's order (react-admin create). */
    .post('/', need('referrals.write'), async (c) => {
      const { groupId } = parseBody(offerSchema, await readJson(c));
      const [group] = await db
        .select({ districtId: kindergartens.districtId })
        .from(groups)
        .innerJoin(kindergartens, eq(kindergartens.id, groups.kindergartenId))
        .where(eq(groups.id, groupId));
      if (!group || !inScope(c, 'referrals.write', group.districtId)) throw new NotFoundError('group', groupId);
      const result = await offerNextInQueue(db, { groupId, actor: actorOf(c), policy: deps.policy });
      const first = result.referrals[0]!;
      const [row] = await from().where(eq(r.id, first.id));
      return c.json({ ...row, offered: result.referrals.map((x) => x.id), skipped: result.skipped }, 201);
    })
    .post('/:id/confirm', need('referrals.write'), act((input) => confirmOffer(db, { ...input, signingKey: deps.signingKey })))
    .post('/:id/decline', need('referrals.write'), act((input) => declineOffer(db, input)))
    .post('/:id/enrol', need('referrals.write'), act((input) => enrolReferral(db, input)))
    .post('/:id/extend', need('referrals.write'), async (c) => {
      const id = pathId(c);
      await referralInScope(c, id);
      const body = parseBody(extendSchema, await readJson(c));
      await extendReferral(db, { referralId: id, actor: actorOf(c), policy: deps.policy, signingKey: deps.signingKey, ...body });
      return c.json(await referralInScope(c, id));
    });
}
