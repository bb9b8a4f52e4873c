/**
 * /api/rounds: allocation rounds through the panel's API — every role allowed or forbidden, the
 * district scope, a preview (who gets which group, who is skipped and why) that changes nothing,
 * a commit that re-checks and reports what changed since, validation with field errors, and the
 * August freeze. Runs on PGlite and on the real PostgreSQL server.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applications, auditLog, groups, referrals } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { changeStatus } from '../../core/status.ts';
import { createI18n } from '../../locales/index.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { client, createStaff, everyRole, listQuery, ROLES, signIn, testServer, totalOf, type Client, type Role, type RoleCase, type TestApp } from '../support/admin.ts';

const IP = '10.5.0.1';

// No August freeze during the run, whatever the date: the window is a day that never comes.
const policy: Policy = { ...defaultPolicy, freeze: { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } } };
// And a region whose freeze covers the whole year, to see the rule refuse.
const frozen: Policy = { ...defaultPolicy, freeze: { from: { month: 1, day: 1 }, to: { month: 12, day: 31 } } };
const year = new Date().getUTCFullYear() - 3;
const parent = { type: 'parent', id: null } as const;

let database: Database;
let app: TestApp;
/** Where the preview-then-commit test places children. */
let main: Places;
/** Free seats and nobody waiting: rounds here preview and commit without changing anyone. */
let quiet: Places;
/** A district outside the district user's. */
let foreign: Places;
const as = {} as Record<Role, Client>;
let foreignStaff: Client;
let anonymous: Client;
let districtUserId: number;

beforeAll(async () => {
  database = await openTestDatabase();
  app = testServer(database, policy);
  [main, quiet, foreign] = [await createPlaces(database.db), await createPlaces(database.db), await createPlaces(database.db)];
  const accounts = {
    admin: await createStaff(database, ['admin']),
    district: await createStaff(database, ['district_staff'], { districtIds: [main.districtId, quiet.districtId] }),
    call_centre: await createStaff(database, ['call_centre']),
    auditor: await createStaff(database, ['auditor']),
  };
  districtUserId = accounts.district.id;
  for (const role of ROLES) as[role] = client(app, await signIn(app, accounts[role].login, accounts[role].password, IP));
  const other = await createStaff(database, ['district_staff'], { districtIds: [foreign.districtId] });
  foreignStaff = client(app, await signIn(app, other.login, other.password, IP));
  anonymous = client(app, null);
});
afterAll(async () => {
  await database.close();
});

const quietRound = async () => {
  const res = await as.admin.post('/api/rounds', { districtId: quiet.districtId });
  expect(res.status, res.text).toBe(201);
  return res.json.id as number;
};

const cases: RoleCase[] = [
  { name: 'GET /api/rounds', allowed: ['admin', 'district', 'auditor'], run: (c) => c.get(`/api/rounds?${listQuery({})}`) },
  { name: 'GET /api/rounds/rules', allowed: ['admin', 'district', 'auditor'], run: (c) => c.get('/api/rounds/rules') },
  { name: 'GET /api/rounds/:id', allowed: ['admin', 'district', 'auditor'], run: async (c) => c.get(`/api/rounds/${await quietRound()}`) },
  { name: 'POST /api/rounds (preview)', allowed: ['admin', 'district'], run: (c) => c.post('/api/rounds', { districtId: quiet.districtId }) },
  { name: 'POST /api/rounds/:id/commit', allowed: ['admin', 'district'], run: async (c) => c.post(`/api/rounds/${await quietRound()}/commit`) },
];

describe('every round endpoint × every role', () => {
  everyRole(
    cases,
    () => ({ as, anonymous }),
    (c) => ({ error: 'forbidden', permission: c.name.startsWith('GET') ? 'referrals.read' : 'referrals.write' }),
  );
});

describe('district scope', () => {
  it('district staff see, preview and commit only in their districts; admin and auditor see all', async () => {
    const theirs = await as.admin.post('/api/rounds', { districtId: foreign.districtId });
    expect(theirs.status).toBe(201);
    const id = theirs.json.id as number;
    expect((await as.district.get(`/api/rounds/${id}`)).status).toBe(404);
    expect((await as.district.post(`/api/rounds/${id}/commit`)).status).toBe(404);
    const list = await as.district.get(`/api/rounds?${listQuery({}, ['id', 'DESC'], [0, 99])}`);
    expect(list.json.length).toBeGreaterThan(0);
    expect(list.json.every((r: { districtId: number }) => [main.districtId, quiet.districtId].includes(r.districtId))).toBe(true);
    const filtered = await as.district.get(`/api/rounds?${listQuery({ districtId: foreign.districtId })}`);
    expect(filtered.json).toEqual([]);
    expect(totalOf(filtered.headers)).toBe(0);
    const notMine = await as.district.post('/api/rounds', { districtId: foreign.districtId });
    expect(notMine.status).toBe(400);
    expect(notMine.json.fields).toEqual([{ field: 'districtId', code: 'district_not_yours' }]);
    // The staff of that district, the auditor and the admin read it.
    expect((await foreignStaff.get(`/api/rounds/${id}`)).json).toMatchObject({ id, districtId: foreign.districtId, status: 'preview' });
    expect((await as.auditor.get(`/api/rounds/${id}`)).status).toBe(200);
    expect((await foreignStaff.get(`/api/rounds?${listQuery({}, ['id', 'DESC'], [0, 99])}`)).json.map((r: { id: number }) => r.id)).toContain(id);
    // Still only a preview: nobody else committed it.
    const [row] = await database.db.select({ n: referrals.id }).from(referrals).where(eq(referrals.roundId, id));
    expect(row).toBeUndefined();
  });
});

describe('preview, then commit', () => {
  it('shows who gets which group and who is skipped and why, changes nothing, then commits what still holds', async () => {
    const [kg1, kg2] = main.kindergartenIds as [number, number];
    // Every group of the district full except one seat in kindergarten 1's and one in kindergarten 2's group.
    await database.db.update(groups).set({ enrolled: 25, capacity: 25 }).where(inArray(groups.id, main.groupIds));
    const groupOf = async (kindergartenId: number) =>
      (await database.db.select().from(groups).where(and(eq(groups.kindergartenId, kindergartenId), eq(groups.birthYear, year), eq(groups.language, 'kk'))))[0]!;
    const [g1, g2] = [await groupOf(kg1), await groupOf(kg2)];
    await database.db.update(groups).set({ enrolled: 24 }).where(inArray(groups.id, [g1.id, g2.id]));

    const child = async (name: string, kindergartenIds: number[]) => {
      const input = applicationInput(main, { childYear: year, language: 'kk', kindergartenIds });
      input.child.fullName = name;
      return (await submitApplication(database.db, input, parent, policy)).application;
    };
    const a1 = await child('Әлімбек Нұрай', [kg1, kg2]);
    const a2 = await child('Бекболат Ерасыл', [kg1]);
    const a3 = await child('Қасымова Аружан', [kg2, kg1]);
    const a4 = await child('Серікұлы Дәулет', [kg2]);
    const a5 = await child('Тоқтарова Іңкәр', [kg1]);
    // a5's offer lapsed last week: on the stop list for a few more days.
    await database.db.update(applications).set({ stopUntil: new Date(Date.now() + 3 * 86_400_000) }).where(eq(applications.id, a5.id));

    const preview = await as.district.post('/api/rounds', { districtId: main.districtId });
    expect(preview.status, preview.text).toBe(201);
    const round = preview.json;
    expect(round).toMatchObject({ districtId: main.districtId, status: 'preview', seats: 2, children: 2, skipped: 2, dropped: 0, offered: 0 });
    expect(round.createdByName).toContain('Сынақ Қызметкер');
    expect(round.offers).toEqual([
      expect.objectContaining({ rank: 1, applicationId: a1.id, number: a1.number, childName: 'Әлімбек Нұрай', list: 'general', groupId: g1.id, kindergartenId: kg1, kindergartenNumber: 1, choice: 1, birthYear: year, language: 'kk', twinOf: [] }),
      expect.objectContaining({ rank: 3, applicationId: a3.id, childName: 'Қасымова Аружан', groupId: g2.id, kindergartenNumber: 2, choice: 1 }),
    ]);
    expect(round.offers[0].kindergartenNameKk).toBe('№ 1 «Балапан» балабақшасы');
    expect(round.skippedChildren).toEqual([
      expect.objectContaining({ applicationId: a2.id, childName: 'Бекболат Ерасыл', rank: 2, reason: 'no_seat_in_choices' }),
      expect.objectContaining({ applicationId: a5.id, childName: 'Тоқтарова Іңкәр', rank: null, reason: 'stop_list' }),
    ]);
    // a4 comes after the last child placed: not "skipped", simply not reached.
    expect(JSON.stringify(round)).not.toContain(a4.number);

    // A preview changes nobody's status and holds no seat; it is on record.
    const statuses = await database.db.select({ id: applications.id, status: applications.status }).from(applications).where(inArray(applications.id, [a1.id, a2.id, a3.id, a4.id, a5.id]));
    expect(statuses.every((s) => s.status === 'registered')).toBe(true);
    const seats = await as.district.get(`/api/groups/${g1.id}`);
    expect(seats.json).toMatchObject({ free: 1, held: 0 });
    const [previewed] = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'allocation.preview'), eq(auditLog.entityId, round.id)));
    expect(previewed).toMatchObject({ actorType: 'staff', actorId: districtUserId, entity: 'allocation_round', data: { districtId: main.districtId, seats: 2, offers: 2, skipped: 2 } });

    // Between preview and commit a3's parent withdraws the application.
    await changeStatus(database.db, { applicationId: a3.id, event: 'withdraw', actor: parent, reason: 'parent_request', policy });

    const committed = await as.district.post(`/api/rounds/${round.id}/commit`);
    expect(committed.status, committed.text).toBe(200);
    expect(committed.json).toMatchObject({ id: round.id, status: 'committed', offered: 1, dropped: 1, changes: { offered: 1, dropped: 1 } });
    expect(committed.json.committedAt).toBeTruthy();
    expect(committed.json.droppedChildren).toEqual([
      { applicationId: a3.id, number: a3.number, childName: 'Қасымова Аружан', reason: 'changed_since_preview' },
    ]);
    const live = await database.db.select().from(referrals).where(eq(referrals.roundId, round.id));
    expect(live).toEqual([expect.objectContaining({ applicationId: a1.id, groupId: g1.id, status: 'offered' })]);
    const after = new Map(
      (await database.db.select().from(applications).where(inArray(applications.id, [a1.id, a2.id, a3.id, a4.id]))).map((a) => [a.id, a.status]),
    );
    expect(Object.fromEntries(after)).toEqual({ [a1.id]: 'offered', [a2.id]: 'registered', [a3.id]: 'withdrawn', [a4.id]: 'registered' });
    // The seat is held by the offer now, and the group's other seat is still free (a3 withdrew).
    expect((await as.district.get(`/api/groups/${g1.id}`)).json).toMatchObject({ free: 0, held: 1 });
    expect((await as.district.get(`/api/groups/${g2.id}`)).json).toMatchObject({ free: 1, held: 0 });

    // Audited by core: the round's commit and the child's offer, by this staff member.
    const trail = await as.admin.get(`/api/audit-log?${listQuery({ entity: 'allocation_round', entityId: round.id }, ['id', 'ASC'])}`);
    expect(trail.json.map((x: { action: string }) => x.action)).toEqual(['allocation.preview', 'allocation.commit']);
    expect(trail.json[1]).toMatchObject({ actorType: 'staff', actorId: districtUserId, data: { districtId: main.districtId, offered: 1, dropped: 1 } });
    const shown = await as.district.get(`/api/applications/${a1.id}`);
    expect(shown.json.history.map((h: { action: string }) => h.action)).toEqual(['application.submit', 'application.register', 'application.offer']);
    expect(shown.json.history.at(-1)).toMatchObject({ actorType: 'staff', actorId: districtUserId, fromState: 'registered', toState: 'offered' });

    // The list reads the counts from the stored plan.
    const listed = await as.auditor.get(`/api/rounds?${listQuery({ districtId: main.districtId, status: 'committed' })}`);
    expect(listed.json).toEqual([expect.objectContaining({ id: round.id, seats: 2, children: 2, skipped: 2, dropped: 1, status: 'committed' })]);
    expect(listed.json[0]).not.toHaveProperty('plan');

    // A round is committed once.
    const again = await as.district.post(`/api/rounds/${round.id}/commit`);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: 'round_not_open', message: 'errors.round_not_open' });
  });
});

describe('bad input', () => {
  it('answers 4xx with field errors, never a 500', async () => {
    const missing = await as.admin.post('/api/rounds', {});
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error: 'validation', fields: [{ field: 'districtId', code: 'required' }] });
    const notNumber = await as.admin.post('/api/rounds', { districtId: 'Алмалы' });
    expect(notNumber.json.fields).toEqual([{ field: 'districtId', code: 'invalid' }]);
    const negative = await as.admin.post('/api/rounds', { districtId: -4 });
    expect(negative.json.fields).toEqual([{ field: 'districtId', code: 'invalid' }]);
    const unknown = await as.admin.post('/api/rounds', { districtId: 2_000_000_000 });
    expect(unknown.status).toBe(400);
    expect(unknown.json.fields).toEqual([{ field: 'districtId', code: 'district_unknown' }]);
    expect((await as.admin.post('/api/rounds', 'not an object')).status).toBe(400);
    for (const qs of [listQuery({ plan: 'x' }), listQuery({}, ['plan' as never, 'ASC']), listQuery({ status: 'open' }), 'range=[9,2]']) {
      const res = await as.admin.get(`/api/rounds?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.json.error).toBe('validation');
    }
    for (const path of ['/api/rounds/abc', '/api/rounds/99999999']) expect((await as.admin.get(path)).status).toBe(404);
    expect((await as.admin.post('/api/rounds/99999999/commit')).status).toBe(404);
  });
});

describe('the August freeze', () => {
  it('refuses to preview or commit with the freeze code, its dates, and a message in both languages', async () => {
    const open = await quietRound();
    const frozenApp = testServer(database, frozen);
    const admin = await createStaff(database, ['admin']);
    const c = client(frozenApp, await signIn(frozenApp, admin.login, admin.password, IP));
    for (const res of [await c.post('/api/rounds', { districtId: quiet.districtId }), await c.post(`/api/rounds/${open}/commit`)]) {
      expect(res.status).toBe(409);
      expect(res.json).toEqual({ error: 'freeze', message: 'errors.freeze', params: { from: '01.01', to: '31.12' } });
    }
    const i18n = await createI18n();
    expect(i18n.getFixedT('ru')('errors.freeze', { from: '01.08', to: '31.08' })).toBe(
      'С 01.08 по 31.08 направления не выдаются: дети переходят в следующие возрастные группы.',
    );
    expect(i18n.getFixedT('kk')('errors.freeze', { from: '01.08', to: '31.08' })).toBe(
      '01.08–31.08 аралығында жолдама берілмейді: балалар келесі жас топтарына ауысады.',
    );
    expect((await as.admin.get(`/api/rounds/${open}`)).json.status).toBe('preview');
  });
});

describe("the round's help", () => {
  it("quotes the region's alternation from the policy, in both languages", async () => {
    expect((await as.district.get('/api/rounds/rules')).json).toEqual({ generalPerBeneficiary: 3 });
    const region = testServer(database, { ...policy, generalPerBeneficiary: 4 });
    const admin = await createStaff(database, ['admin']);
    const c = client(region, await signIn(region, admin.login, admin.password, IP));
    const { generalPerBeneficiary } = (await c.get('/api/rounds/rules')).json as { generalPerBeneficiary: number };
    expect(generalPerBeneficiary).toBe(4);
    const i18n = await createI18n();
    expect(i18n.getFixedT('ru')('admin.rounds.help', { general: generalPerBeneficiary })).toContain('чередования льготников и общей очереди (1:4)');
    expect(i18n.getFixedT('kk')('admin.rounds.help', { general: generalPerBeneficiary })).toContain('жалпы кезектің кезектесуі (1:4)');
  });
});
