/**
 * Every endpoint of the panel's API × every role: allowed roles get their answer, the others a
 * 403 (or a 404 for records outside a district user's districts). Runs on PGlite and on the
 * real PostgreSQL server.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applications, auditLog, documents, feedback, groups, staffSessions } from '../../db/schema/index.ts';
import { attachDocument } from '../../core/attachments.ts';
import { submitApplication } from '../../core/applications.ts';
import { localDate } from '../../core/calendar.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, newAdultIin, newChild, type Places } from '../support/factories.ts';
import {
  client,
  createStaff,
  everyRole,
  listQuery,
  PDF_MINI,
  PNG_1x1,
  ROLES,
  signIn,
  testServer,
  totalOf,
  type Client,
  type Role,
  type RoleCase,
  type TestApp,
} from '../support/admin.ts';


// No August freeze during the run, whatever the date: the window is a day that never comes.
const today = new Date();
const policy: Policy = {
  ...defaultPolicy,
  freeze: { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } },
};
const year = today.getUTCFullYear() - 3;
const parent = { type: 'parent', id: null } as const;

let database: Database;
let app: TestApp;
let mine: Places;
let other: Places;
/** Free seats and nobody waiting: allocation rounds here preview and commit without changing anyone. */
let quiet: Places;
let groupId: number;
const as = {} as Record<Role, Client>;
let anonymous: Client;

async function registered(places: Places = mine, extra: Parameters<typeof applicationInput>[1] = {}) {
  const { application } = await submitApplication(
    database.db,
    applicationInput(places, { childYear: year, kindergartenIds: [places.kindergartenIds[0]!], ...extra }),
    parent,
    policy,
  );
  return application;
}

async function submitted(places: Places = mine) {
  const { application } = await submitApplication(
    database.db,
    applicationInput(places, { childYear: year }),
    parent,
    { ...policy, autoRegister: false },
  );
  return application;
}

beforeAll(async () => {
  database = await openTestDatabase();
  app = testServer(database, policy);
  mine = await createPlaces(database.db);
  other = await createPlaces(database.db);
  quiet = await createPlaces(database.db);
  const [group] = await database.db
    .select()
    .from(groups)
    .where(and(eq(groups.kindergartenId, mine.kindergartenIds[0]!), eq(groups.birthYear, year), eq(groups.language, 'kk')));
  groupId = group!.id;
  await database.db.update(groups).set({ capacity: 60, enrolled: 0 }).where(eq(groups.id, groupId));
  // Children waiting for that group, for offers.
  for (let i = 0; i < 40; i++) await registered();
  const accounts = {
    admin: await createStaff(database, ['admin']),
    district: await createStaff(database, ['district_staff'], { districtIds: [mine.districtId, quiet.districtId] }),
    call_centre: await createStaff(database, ['call_centre']),
    auditor: await createStaff(database, ['auditor']),
  };
  for (const role of ROLES) as[role] = client(app, await signIn(app, accounts[role].login, accounts[role].password));
  anonymous = client(app, null);
});
afterAll(async () => {
  await database.close();
});


const intakeBody = (places: Places, channel: 'office' | 'centre' = 'office') => {
  const input = applicationInput(places, { childYear: year });
  const { consentAt: _c, telegramUserId: _t, ...applicant } = input.applicant;
  return { ...input, applicant, channel, consent: true };
};

const cases: RoleCase[] = [
  { name: 'GET /api/applications', allowed: ['admin', 'district', 'auditor'], run: (c) => c.get(`/api/applications?${listQuery({ districtId: mine.districtId })}`) },
  {
    name: 'GET /api/applications/:id',
    allowed: ['admin', 'district', 'auditor'],
    run: async (c) => c.get(`/api/applications/${(await registered()).id}`),
  },
  { name: 'POST /api/applications (intake)', allowed: ['admin', 'district'], run: (c) => c.post('/api/applications', intakeBody(mine)) },
  {
    name: 'POST /api/applications/:id/verify',
    allowed: ['admin', 'district'],
    run: async (c) => c.post(`/api/applications/${(await submitted()).id}/verify`, { note: 'сверено с оригиналами' }),
  },
  {
    name: 'POST /api/applications/:id/refuse',
    allowed: ['admin', 'district'],
    run: async (c) => c.post(`/api/applications/${(await registered()).id}/refuse`, { reason: 'documents_false', comment: 'свидетельство не совпадает' }),
  },
  {
    name: 'POST /api/applications/:id/priority',
    allowed: ['admin', 'district'],
    run: async (c) => c.post(`/api/applications/${(await registered(mine, { priorityCategory: 'large_family' })).id}/priority`, { decision: 'verified' }),
  },
  { name: 'GET /api/documents', allowed: ['admin', 'district', 'auditor'], run: (c) => c.get(`/api/documents?${listQuery({})}`) },
  {
    name: 'GET /api/documents/:id',
    allowed: ['admin', 'district', 'auditor'],
    run: async (c) => c.get(`/api/documents/${(await attach()).id}`),
  },
  {
    name: 'GET /api/documents/:id/content',
    allowed: ['admin', 'district'],
    run: async (c) => c.get(`/api/documents/${(await attach()).id}/content`),
  },
  {
    name: 'POST /api/documents (upload)',
    allowed: ['admin', 'district'],
    run: async (c) => {
      const form = new FormData();
      form.set('applicationId', String((await registered()).id));
      form.set('kind', 'birth_certificate');
      form.set('file', new File([PDF_MINI], 'куәлік.pdf', { type: 'application/pdf' }));
      return c.post('/api/documents', form);
    },
  },
  {
    name: 'PUT /api/documents/:id (verify)',
    allowed: ['admin', 'district'],
    run: async (c) => c.put(`/api/documents/${(await attach()).id}`, { verification: 'verified' }),
  },
  { name: 'GET /api/kindergartens', allowed: ['admin', 'district', 'auditor'], run: (c) => c.get(`/api/kindergartens?${listQuery({})}`) },
  { name: 'GET /api/kindergartens/:id', allowed: ['admin', 'district', 'auditor'], run: (c) => c.get(`/api/kindergartens/${mine.kindergartenIds[0]}`) },
  {
    name: 'POST /api/kindergartens',
    allowed: ['admin'],
    run: (c) =>
      c.post('/api/kindergartens', {
        districtId: mine.districtId,
        number: 100 + Math.floor(Math.random() * 90_000),
        nameKk: '№ 5 «Айгөлек» балабақшасы',
        nameRu: 'Детский сад № 5 «Айголек»',
        addressKk: 'Сәтпаев көшесі, 30',
        addressRu: 'ул. Сатпаева, 30',
        languages: ['kk'],
      }),
  },
  { name: 'PUT /api/kindergartens/:id', allowed: ['admin'], run: (c) => c.put(`/api/kindergartens/${mine.kindergartenIds[2]}`, { phone: '+7 727 000 00 00' }) },
  { name: 'GET /api/groups', allowed: ['admin', 'district', 'auditor'], run: (c) => c.get(`/api/groups?${listQuery({ kindergartenId: mine.kindergartenIds[0] })}`) },
  { name: 'GET /api/groups/:id', allowed: ['admin', 'district', 'auditor'], run: (c) => c.get(`/api/groups/${groupId}`) },
  {
    name: 'POST /api/groups',
    allowed: ['admin', 'district'],
    run: (c) => c.post('/api/groups', { kindergartenId: mine.kindergartenIds[2], name: 'Ересектер', birthYear: year - 1, language: 'ru', capacity: 20, enrolled: 3 }),
  },
  { name: 'PUT /api/groups/:id', allowed: ['admin', 'district'], run: (c) => c.put(`/api/groups/${mine.groupIds[5]}`, { capacity: 26 }) },
  { name: 'GET /api/referrals', allowed: ['admin', 'district', 'auditor'], run: (c) => c.get(`/api/referrals?${listQuery({})}`) },
  { name: 'POST /api/referrals (offer next in queue)', allowed: ['admin', 'district'], run: (c) => c.post('/api/referrals', { groupId }) },
  {
    name: 'POST /api/referrals/:id/confirm',
    allowed: ['admin', 'district'],
    run: async (c) => {
      const offer = await as.admin.post('/api/referrals', { groupId });
      expect(offer.status).toBe(201);
      return c.post(`/api/referrals/${offer.json.id}/confirm`, { reason: 'ата-анасы телефон соқты', channel: 'phone' });
    },
  },
  { name: 'GET /api/rounds', allowed: ['admin', 'district', 'auditor'], run: (c) => c.get(`/api/rounds?${listQuery({})}`) },
  { name: 'GET /api/rounds/:id', allowed: ['admin', 'district', 'auditor'], run: async (c) => c.get(`/api/rounds/${await quietRound()}`) },
  { name: 'POST /api/rounds (preview)', allowed: ['admin', 'district'], run: (c) => c.post('/api/rounds', { districtId: quiet.districtId }) },
  { name: 'POST /api/rounds/:id/commit', allowed: ['admin', 'district'], run: async (c) => c.post(`/api/rounds/${await quietRound()}/commit`) },
  { name: 'GET /api/staff-users', allowed: ['admin'], run: (c) => c.get(`/api/staff-users?${listQuery({})}`) },
  {
    name: 'POST /api/staff-users',
    allowed: ['admin'],
    run: (c) => c.post('/api/staff-users', { login: `op${Date.now()}${Math.floor(Math.random() * 1e6)}`, fullName: 'Оператор ЦОН', roles: ['call_centre'], language: 'kk' }),
  },
  {
    name: 'GET /api/referrals/:id',
    allowed: ['admin', 'district', 'auditor'],
    run: async (c) => c.get(`/api/referrals/${(await as.admin.post('/api/referrals', { groupId })).json.id}`),
  },
  {
    name: 'POST /api/referrals/:id/decline',
    allowed: ['admin', 'district'],
    run: async (c) => c.post(`/api/referrals/${(await as.admin.post('/api/referrals', { groupId })).json.id}/decline`, { reason: 'ата-анасы телефон соқты', channel: 'phone' }),
  },
  {
    name: 'POST /api/referrals/:id/extend',
    allowed: ['admin', 'district'],
    run: async (c) => c.post(`/api/referrals/${(await issued()).id}/extend`, { days: 7, reason: 'бала ауырып жатыр' }),
  },
  {
    name: 'POST /api/referrals/:id/enrol',
    allowed: ['admin', 'district'],
    run: async (c) => c.post(`/api/referrals/${(await issued()).id}/enrol`, { reason: 'балабақша хабарлады', channel: 'kindergarten' }),
  },
  { name: 'GET /api/staff-users/:id', allowed: ['admin'], run: async (c) => c.get(`/api/staff-users/${(await as.admin.get('/api/auth/me')).json.id}`) },
  {
    name: 'PUT /api/staff-users/:id',
    allowed: ['admin'],
    run: async (c) => c.put(`/api/staff-users/${(await newCallCentre()).id}`, { fullName: 'Оператор 1414 (кешкі ауысым)' }),
  },
  {
    name: 'POST /api/staff-users/:id/reset-password',
    allowed: ['admin'],
    run: async (c) => c.post(`/api/staff-users/${(await newCallCentre()).id}/reset-password`),
  },
  { name: 'GET /api/audit-log', allowed: ['admin', 'auditor'], run: (c) => c.get(`/api/audit-log?${listQuery({})}`) },
  {
    name: 'GET /api/audit-log/:id',
    allowed: ['admin', 'auditor'],
    run: async (c) => c.get(`/api/audit-log/${(await as.admin.get(`/api/audit-log?${listQuery({}, ['id', 'DESC'], [0, 0])}`)).json[0].id}`),
  },
  {
    name: 'GET /api/feedback/:id',
    allowed: ['admin', 'auditor'],
    run: async (c) => {
      const [row] = await database.db.insert(feedback).values({ language: 'ru', courtesy: 5 }).returning();
      return c.get(`/api/feedback/${row!.id}`);
    },
  },
  { name: 'GET /api/districts/:id', allowed: ['admin', 'district', 'call_centre', 'auditor'], run: (c) => c.get(`/api/districts/${mine.districtId}`) },
  { name: 'GET /api/feedback', allowed: ['admin', 'auditor'], run: (c) => c.get(`/api/feedback?${listQuery({})}`) },
  { name: 'GET /api/districts', allowed: ['admin', 'district', 'call_centre', 'auditor'], run: (c) => c.get(`/api/districts?${listQuery({})}`) },
  {
    name: 'POST /api/lookup',
    allowed: ['admin', 'call_centre'],
    run: async (c) => c.post('/api/lookup', { query: (await registered()).number, reason: 'Родитель звонит на 1414' }),
  },
  { name: 'GET /api/dashboard', allowed: ['admin', 'district', 'auditor'], run: (c) => c.get('/api/dashboard') },
];

/** What each allowed role's answer holds, beyond its status code. */
const id = expect.any(Number);
const bodies: Record<string, RoleCase['body']> = {
  'POST /api/applications (intake)': (j) => expect(j).toMatchObject({ id, number: expect.any(String) }),
  'POST /api/applications/:id/verify': (j) => expect(j).toMatchObject({ id, status: 'registered' }),
  'POST /api/applications/:id/refuse': (j) => expect(j).toMatchObject({ id, status: 'refused' }),
  // One staff member's approval opens the four-eyes round (core/priority.ts); nothing is granted yet.
  'POST /api/applications/:id/priority': (j) => expect(j).toMatchObject({ id, priorityProof: 'pending', state: 'awaiting_second_approval' }),
  'GET /api/documents/:id/content': (j) => expect(j).toEqual(expect.any(String)),
  'POST /api/documents (upload)': (j) => expect(j).toMatchObject({ id, kind: 'birth_certificate' }),
  'PUT /api/documents/:id (verify)': (j) => expect(j).toMatchObject({ id, verification: 'verified' }),
  'PUT /api/kindergartens/:id': (j) => expect(j).toMatchObject({ id: mine.kindergartenIds[2], phone: '+7 727 000 00 00' }),
  'PUT /api/groups/:id': (j) => expect(j).toMatchObject({ id: mine.groupIds[5], capacity: 26 }),
  'POST /api/referrals (offer next in queue)': (j) => expect(j).toMatchObject({ id, status: 'offered', groupId }),
  'POST /api/referrals/:id/confirm': (j) => expect(j).toMatchObject({ id, status: 'issued' }),
  'POST /api/referrals/:id/decline': (j) => expect(j).toMatchObject({ id, status: 'declined' }),
  'POST /api/referrals/:id/enrol': (j) => expect(j).toMatchObject({ id, status: 'enrolled' }),
  'POST /api/rounds (preview)': (j) => expect(j).toMatchObject({ id, districtId: quiet.districtId }),
  'POST /api/staff-users': (j) => expect(j).toMatchObject({ id, roles: ['call_centre'], oneTimePassword: expect.any(String) }),
  'POST /api/staff-users/:id/reset-password': (j) => expect(j).toMatchObject({ oneTimePassword: expect.any(String) }),
  'PUT /api/staff-users/:id': (j) => expect(j).toMatchObject({ id, fullName: 'Оператор 1414 (кешкі ауысым)' }),
  'GET /api/dashboard': (j) => expect(j).toMatchObject({ queue: { total: expect.any(Number) }, deadline: { minutes: expect.any(Number) } }),
  'POST /api/lookup': (j) => expect(j).toEqual(expect.any(Object)),
};
for (const c of cases) {
  const [method, path = ''] = c.name.split(' ');
  c.body ??=
    bodies[c.name] ??
    (method === 'GET' && !path.includes(':')
      ? (j) => {
          expect(Array.isArray(j)).toBe(true);
          for (const row of j) expect(row).toMatchObject({ id });
        }
      : (j) => expect(j).toMatchObject({ id }));
}

/** An issued referral: an offer the admin confirmed. */
async function issued() {
  const offer = await as.admin.post('/api/referrals', { groupId });
  expect(offer.status).toBe(201);
  const confirmed = await as.admin.post(`/api/referrals/${offer.json.id}/confirm`, { reason: 'ата-анасы телефон соқты', channel: 'phone' });
  expect(confirmed.status).toBe(200);
  return confirmed.json as { id: number };
}

/** A previewed allocation round in the quiet district. */
async function quietRound(): Promise<number> {
  const res = await as.admin.post('/api/rounds', { districtId: quiet.districtId });
  expect(res.status, res.text).toBe(201);
  return res.json.id;
}

async function newCallCentre() {
  return createStaff(database, ['call_centre']);
}

async function attach() {
  return attachDocument(database.db, {
    applicationId: (await registered()).id,
    kind: 'birth_certificate',
    fileName: 'scan.png',
    bytes: PNG_1x1,
    actor: { type: 'system' },
    policy,
  });
}

describe('every endpoint × every role', () => {
  everyRole(cases, () => ({ as, anonymous }));
});

describe('district scope', () => {
  it('lists only the districts of a district user, and hides other districts behind 404', async () => {
    const foreign = await registered(other);
    const list = await as.district.get(`/api/applications?${listQuery({}, ['id', 'DESC'], [0, 99])}`);
    expect(list.status).toBe(200);
    expect(list.json.every((r: { districtId: number }) => r.districtId === mine.districtId)).toBe(true);
    const filtered = await as.district.get(`/api/applications?${listQuery({ districtId: other.districtId })}`);
    expect(filtered.json).toEqual([]);
    expect(totalOf(filtered.headers)).toBe(0);
    expect((await as.district.get(`/api/applications/${foreign.id}`)).status).toBe(404);
    expect((await as.district.post(`/api/applications/${foreign.id}/refuse`, { reason: 'other' })).status).toBe(404);
    expect((await as.district.post('/api/applications', intakeBody(other))).json.fields).toEqual([
      { field: 'districtId', code: 'district_not_yours' },
    ]);
    expect((await as.admin.get(`/api/applications/${foreign.id}`)).status).toBe(200);
    expect((await as.auditor.get(`/api/applications/${foreign.id}`)).status).toBe(200);
    expect((await as.district.get(`/api/kindergartens/${other.kindergartenIds[0]}`)).status).toBe(404);
    const dash = await as.district.get(`/api/dashboard?districtId=${other.districtId}`);
    expect(dash.status).toBe(403);
  });
});

describe('applications', () => {
  it('lists in queue order with an exact Content-Range total from queue_counts, and filters', async () => {
    const filter = { districtId: mine.districtId, status: 'registered' };
    const page = await as.admin.get(`/api/applications?${listQuery(filter, ['queueOrder', 'ASC'], [0, 4])}`);
    expect(page.status).toBe(200);
    expect(page.json).toHaveLength(5);
    const [count] = await database.db
      .select({ n: database.db.$count(applications, and(eq(applications.districtId, mine.districtId), eq(applications.status, 'registered'))) })
      .from(applications)
      .limit(1);
    expect(totalOf(page.headers)).toBe(count!.n);
    expect(page.headers.get('content-range')).toBe(`applications 0-4/${count!.n}`);
    type Row = { birthYear: number; language: string; queueCategory: number; registeredAt: string; id: number };
    const keys: [number, string, number, string, number][] = page.json.map((r: Row) => [r.birthYear, r.language, r.queueCategory, r.registeredAt, r.id]);
    expect(keys).toEqual([...keys].sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]) || x[2] - y[2] || x[3].localeCompare(y[3]) || x[4] - y[4]));
    // Past the last page the total still comes (no row carries it there).
    const past = await as.admin.get(`/api/applications?${listQuery(filter, ['queueOrder', 'ASC'], [5000, 5024])}`);
    expect(past.json).toEqual([]);
    expect(totalOf(past.headers)).toBe(count!.n);
    // Another status of the same prepared shape: counted with count(*).
    const refused = await as.admin.get(`/api/applications?${listQuery({ districtId: mine.districtId, status: 'refused' }, ['queueOrder', 'DESC'], [0, 99])}`);
    expect(totalOf(refused.headers)).toBe(refused.json.length);
    expect(refused.json.every((r: { status: string }) => r.status === 'refused')).toBe(true);
    // Cohort and language narrow the waiting total (queue_counts of those queues only).
    const cohort = await as.admin.get(`/api/applications?${listQuery({ ...filter, birthYear: year, language: 'kk' }, ['queueOrder', 'ASC'], [0, 999])}`);
    expect(totalOf(cohort.headers)).toBe(cohort.json.length);
    expect(cohort.json.every((r: { birthYear: number; language: string }) => r.birthYear === year && r.language === 'kk')).toBe(true);
    // Another filter: counted with count(*), the same number of rows.
    const byChannel = await as.admin.get(`/api/applications?${listQuery({ ...filter, channel: 'bot' }, ['id', 'ASC'], [0, 99])}`);
    expect(totalOf(byChannel.headers)).toBe(byChannel.json.length);
  });

  it('finds by IIN, by number and by name in one search box', async () => {
    const input = applicationInput(mine, { childYear: year });
    input.child.fullName = 'Жұмабек Алтынай Серікқызы';
    const { application } = await submitApplication(database.db, input, parent, policy);
    for (const q of [input.child.iin, input.applicant.iin, application.number, 'алтынай серік']) {
      const res = await as.admin.get(`/api/applications?${listQuery({ q })}`);
      expect(res.json.map((r: { id: number }) => r.id), q).toContain(application.id);
    }
  });

  it('rejects unknown filters, sorts and bad ranges with 400', async () => {
    for (const qs of [
      listQuery({ password_hash: 'x' }),
      listQuery({}, ['passwordHash' as never, 'ASC']),
      'range=[5,1]',
      'filter={not json',
      listQuery({ status: 'nonsense' }),
    ]) {
      const res = await as.admin.get(`/api/applications?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.json.error).toBe('validation');
    }
  });

  it('shows an application with child, applicant, representative, documents, history, position and who is ahead', async () => {
    const body = intakeBody(mine);
    const representative = {
      iin: newAdultIin(),
      fullName: 'Ахметов Нұрлан Болатұлы',
      phone: '+7 705 111 22 33',
      poaNumber: '№ 1234',
      poaDate: localDate(new Date(Date.now() - 86_400_000 * 30)),
      poaIssuer: 'Нотариус Алматы қ. Сейітова А.',
    };
    const created = await as.district.post('/api/applications', { ...body, representative });
    expect(created.status, created.text).toBe(201);
    await attachDocument(database.db, { applicationId: created.json.id, kind: 'power_of_attorney', fileName: 'сенімхат.pdf', bytes: PDF_MINI, actor: { type: 'system' }, policy });
    const res = await as.district.get(`/api/applications/${created.json.id}`);
    expect(res.status).toBe(200);
    const r = res.json;
    expect(r).toMatchObject({ channel: 'office', status: 'registered', child: { iin: body.child.iin }, representative: { fullName: representative.fullName } });
    expect(r.documents).toHaveLength(1);
    expect(r.documents[0]).not.toHaveProperty('content');
    expect(r.history.map((h: { action: string }) => h.action)).toEqual(['application.submit', 'application.register']);
    expect(r.history[0].actorName).toContain('Сынақ Қызметкер');
    expect(r.position.position).toBeGreaterThan(1);
    expect(r.ahead.length).toBeGreaterThan(0);
    expect(r.actions).toMatchObject({ verify: true, refuse: true, priority: false, downloadDocuments: true });
    expect((await as.auditor.get(`/api/applications/${created.json.id}`)).json.actions).toMatchObject({ verify: false, refuse: false });
  });

  it('intake runs the same rules and duplicate check as the bot', async () => {
    const body = intakeBody(mine, 'centre');
    const first = await as.district.post('/api/applications', body);
    expect(first.status).toBe(201);
    const again = await as.district.post('/api/applications', { ...body, channel: 'office' });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, duplicate: true });
    const bad = await as.district.post('/api/applications', { ...intakeBody(mine), child: { ...body.child, iin: '991332500012' } });
    expect(bad.status).toBe(400);
    expect(bad.json.fields).toContainEqual({ field: 'child.iin', code: 'iin_date' });
    const noConsent = await as.district.post('/api/applications', { ...intakeBody(mine), consent: false });
    expect(noConsent.status).toBe(400);
    expect(noConsent.json.fields.map((f: { field: string }) => f.field)).toContain('consent');
    const bot = await as.district.post('/api/applications', { ...intakeBody(mine), channel: 'bot' });
    expect(bot.status).toBe(400);
  });

  it('verifies, refuses with a reason the parent is told, and decides priority claims through core', async () => {
    const s = await submitted();
    const verified = await as.district.post(`/api/applications/${s.id}/verify`, {});
    expect(verified.json).toMatchObject({ status: 'registered' });
    expect((await as.district.post(`/api/applications/${s.id}/verify`, {})).status).toBe(409);

    const r = await registered();
    const noReason = await as.district.post(`/api/applications/${r.id}/refuse`, {});
    expect(noReason.status).toBe(400);
    const refused = await as.district.post(`/api/applications/${r.id}/refuse`, { reason: 'documents_incomplete', comment: 'нет свидетельства' });
    expect(refused.json.status).toBe('refused');
    const [row] = await database.db.select().from(applications).where(eq(applications.id, r.id));
    expect(row).toMatchObject({ refusalReason: 'documents_incomplete', refusalComment: 'нет свидетельства' });
    const again = await as.district.post(`/api/applications/${r.id}/refuse`, { reason: 'other' });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('illegal_transition');

    const p = await registered(mine, { priorityCategory: 'orphan' });
    const reject = await as.district.post(`/api/applications/${p.id}/priority`, { decision: 'rejected' });
    expect(reject.status).toBe(400);
    // A claim is denied with a reason about its proof, not with an application's refusal reason.
    const general = await as.district.post(`/api/applications/${p.id}/priority`, { decision: 'rejected', reason: 'age_over_limit' });
    expect(general.status).toBe(400);
    const rejected = await as.district.post(`/api/applications/${p.id}/priority`, { decision: 'rejected', reason: 'priority_document_expired' });
    expect(rejected.json.priorityProof).toBe('rejected');
    const [claim] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'application.priority_rejected'), eq(auditLog.entityId, p.id)));
    expect(claim?.reason).toBe('priority_document_expired');

    const trail = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, r.id)))
      .orderBy(auditLog.id);
    expect(trail.at(-1)).toMatchObject({ action: 'application.refuse', actorType: 'staff', reason: 'documents_incomplete' });
  });
});

describe('documents', () => {
  it('serves previews by sniffed type with nosniff, logs each view, and rejects files that are not images or PDFs', async () => {
    const doc = await attach();
    const res = await as.district.get(`/api/documents/${doc.id}/content`);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="scan.png"/);
    // Only the panel itself may show it in a frame.
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    const views = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'document.view'), eq(auditLog.entityId, doc.id)));
    expect(views).toHaveLength(1);

    const form = new FormData();
    form.set('applicationId', String((await registered()).id));
    form.set('kind', 'identity');
    form.set('file', new File(['<html><script>alert(1)</script></html>'], 'evil.pdf', { type: 'application/pdf' }));
    const evil = await as.district.post('/api/documents', form);
    expect(evil.status).toBe(400);
    expect(evil.json.fields).toEqual([{ field: 'file', code: 'document_type' }]);

    const rejected = await as.district.put(`/api/documents/${doc.id}`, { verification: 'rejected' });
    expect(rejected.status).toBe(409);
    const ok = await as.district.put(`/api/documents/${doc.id}`, { verification: 'rejected', verificationNote: 'нечитаемый скан' });
    expect(ok.json).toMatchObject({ verification: 'rejected', verificationNote: 'нечитаемый скан' });
    const [stored] = await database.db.select().from(documents).where(eq(documents.id, doc.id));
    expect(stored?.verifiedBy).toBe((await as.district.get('/api/auth/me')).json.id);
  });
});

describe('kindergartens and groups', () => {
  it('shows seats and free places, validates edits from the schema, and audits them', async () => {
    const k = await as.admin.get(`/api/kindergartens/${mine.kindergartenIds[1]}`);
    expect(k.json).toMatchObject({ groups: 8, capacity: 200, enrolled: 160, held: 0, free: 40 });
    const bad = await as.admin.post('/api/kindergartens', { districtId: mine.districtId, number: -1, nameKk: '', languages: [] });
    expect(bad.status).toBe(400);
    expect(bad.json.fields.map((f: { field: string }) => f.field).sort()).toEqual(['addressKk', 'addressRu', 'languages', 'nameKk', 'nameRu', 'number']);
    const over = await as.admin.put(`/api/groups/${mine.groupIds[1]}`, { enrolled: 99 });
    expect(over.status).toBe(400);
    const groupsOf = await as.district.get(`/api/groups?${listQuery({ kindergartenId: mine.kindergartenIds[1], hasFree: true })}`);
    expect(groupsOf.json.every((g: Record<string, number>) => g.free === g.capacity! - g.enrolled! - g.held! && g.free! > 0)).toBe(true);
    const trail = await database.db.select().from(auditLog).where(eq(auditLog.action, 'group.update'));
    expect(trail.length).toBeGreaterThan(0);
  });
});

describe('referrals', () => {
  it('offers the next child in the queue, confirms, extends once and enrols', async () => {
    const offer = await as.district.post('/api/referrals', { groupId });
    expect(offer.status).toBe(201);
    expect(offer.json).toMatchObject({ status: 'offered', groupId });
    const confirmed = await as.district.post(`/api/referrals/${offer.json.id}/confirm`, { reason: 'родитель пришёл', channel: 'desk' });
    expect(confirmed.json).toMatchObject({ status: 'issued' });
    expect(confirmed.json.number).toMatch(/^\d{4}-\d{6}$/);
    const extended = await as.district.post(`/api/referrals/${offer.json.id}/extend`, { days: 10, reason: 'ребёнок болеет' });
    expect(extended.json.extensions).toBe(1);
    expect((await as.district.post(`/api/referrals/${offer.json.id}/extend`, { days: 5, reason: 'ещё раз' })).json.error).toBe('extension_used');
    expect((await as.district.post(`/api/referrals/${offer.json.id}/enrol`, { reason: 'сад сообщил', channel: 'kindergarten' })).json.status).toBe('enrolled');
    const list = await as.auditor.get(`/api/referrals?${listQuery({ applicationId: offer.json.applicationId })}`);
    expect(list.json[0]).toMatchObject({ status: 'enrolled', kindergartenNumber: 1 });
  });
});

describe('staff users', () => {
  it('creates an account with a one-time password shown once, edits roles, resets, never leaks the hash', async () => {
    const login = `cc${Date.now()}`;
    const created = await as.admin.post('/api/staff-users', { login, fullName: 'Оператор 1414', roles: ['call_centre'] });
    expect(created.status).toBe(201);
    expect(created.json.oneTimePassword).toHaveLength(24);
    expect(created.json).not.toHaveProperty('passwordHash');
    expect(created.json.mustChangePassword).toBe(1);
    const list = await as.admin.get(`/api/staff-users?${listQuery({ q: login })}`);
    expect(list.json).toHaveLength(1);
    expect(JSON.stringify(list.json)).not.toContain('argon2');
    expect((await as.admin.post('/api/staff-users', { login, fullName: 'X', roles: ['auditor'] })).json.fields).toEqual([{ field: 'login', code: 'login_taken' }]);
    expect((await as.admin.put(`/api/staff-users/${created.json.id}`, { roles: ['district_staff'], districtIds: [] })).json.fields).toEqual([
      { field: 'districtIds', code: 'districts_required' },
    ]);
    const edited = await as.admin.put(`/api/staff-users/${created.json.id}`, { ...created.json, roles: ['district_staff'], districtIds: [mine.districtId], active: 1 });
    expect(edited.json).toMatchObject({ roles: ['district_staff'], districtIds: [mine.districtId] });
    const fresh = await signIn(app, login, created.json.oneTimePassword, '10.9.9.9');
    expect(fresh.user.mustChangePassword).toBe(true);
    const reset = await as.admin.post(`/api/staff-users/${created.json.id}/reset-password`);
    expect(reset.json.oneTimePassword).not.toBe(created.json.oneTimePassword);
    // The reset ended the person's sessions.
    expect((await client(app, fresh).get('/api/auth/me')).status).toBe(401);
    const sessions = await database.db.select().from(staffSessions).where(eq(staffSessions.userId, created.json.id));
    expect(sessions).toHaveLength(0);
  });
});

describe('audit log and feedback', () => {
  it('filters the audit log by actor, action family and entity; shows staff names', async () => {
    const r = await registered();
    await as.district.post(`/api/applications/${r.id}/refuse`, { reason: 'other', comment: 'тест' });
    const res = await as.auditor.get(`/api/audit-log?${listQuery({ action: 'application.', entity: 'application', entityId: r.id })}`);
    expect(res.json.map((x: { action: string }) => x.action)).toEqual(['application.refuse', 'application.register', 'application.submit']);
    expect(res.json[0]).toMatchObject({ actorType: 'staff', actorName: expect.stringContaining('Сынақ'), reason: 'other' });
    expect(totalOf(res.headers)).toBe(3);
  });

  it('lists feedback', async () => {
    const r = await registered();
    await database.db.insert(feedback).values({ applicationId: r.id, language: 'kk', process: 5, courtesy: 4, comment: 'Рахмет!' });
    const res = await as.auditor.get(`/api/feedback?${listQuery({ applicationId: r.id })}`);
    expect(res.json).toEqual([expect.objectContaining({ applicationNumber: r.number, process: 5, comment: 'Рахмет!' })]);
    const dash = await as.admin.get('/api/dashboard');
    expect(dash.json.quality.indicators.find((i: { key: string }) => i.key === 'process').responses).toBeGreaterThan(0);
  });
});

describe('call-centre look-up', () => {
  it('answers with masked data, the position and the next step, and logs the reason', async () => {
    const r = await registered();
    const child = await database.db.query.children.findFirst({ where: (c, { eq: e }) => e(c.id, r.childId) });
    const noReason = await as.call_centre.post('/api/lookup', { query: child!.iin });
    expect(noReason.status).toBe(400);
    expect(noReason.json.fields).toEqual([{ field: 'reason', code: 'reason_required' }]);
    const bad = await as.call_centre.post('/api/lookup', { query: 'Иванов', reason: 'звонок родителя' });
    expect(bad.json.fields).toEqual([{ field: 'query', code: 'lookup_query' }]);
    const res = await as.call_centre.post('/api/lookup', { query: child!.iin.replace(/(\d{6})/, '$1 '), reason: 'звонок родителя' });
    expect(res.status).toBe(200);
    const [answer] = res.json.results;
    expect(answer).toMatchObject({ number: r.number, status: 'registered', nextStep: 'wait_place', childIin: `••••••••${child!.iin.slice(-4)}` });
    expect(answer.position).toBeGreaterThan(0);
    expect(answer.childName).toBe('С. Айсұлу Е.');
    expect(answer.applicantPhone).toBe('+77012•••••78');
    expect(JSON.stringify(res.json)).not.toContain(child!.iin);
    const me = (await as.call_centre.get('/api/auth/me')).json;
    const logged = (
      await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'lookup'), eq(auditLog.actorId, me.id))).orderBy(auditLog.id)
    ).at(-1);
    expect(logged).toMatchObject({ reason: 'звонок родителя', entity: 'lookup', entityId: r.id, actorType: 'staff' });
    expect(JSON.stringify(logged!.data)).not.toContain(child!.iin);
    const byNumber = await as.call_centre.post('/api/lookup', { query: r.number, reason: 'звонок родителя' });
    expect(byNumber.json.results[0].id).toBe(r.id);
    const nothing = await as.call_centre.post('/api/lookup', { query: newChild().iin, reason: 'звонок родителя' });
    expect(nothing.json.results).toEqual([]);
  });
});

describe('hostile input', () => {
  it('stores SQL and HTML in text fields as text and returns it as JSON, never as markup', async () => {
    const evil = `Robert'); DROP TABLE applications;-- <img src=x onerror=alert(1)><script>alert(2)</script>`;
    const body = intakeBody(mine);
    // Names are letters only (core/person-name.ts): the free-text fields carry it instead.
    const named = await as.district.post('/api/applications', { ...body, child: { ...body.child, fullName: evil } });
    expect(named.status).toBe(400);
    expect(named.json.fields).toEqual([{ field: 'child.fullName', code: 'name_invalid' }]);
    body.applicant.address = evil;
    body.motherWorkplace = evil;
    const created = await as.district.post('/api/applications', body);
    expect(created.status, created.text).toBe(201);
    const shown = await as.district.get(`/api/applications/${created.json.id}`);
    expect(shown.headers.get('content-type')).toContain('application/json');
    expect(shown.json.applicant.address).toBe(evil);
    expect(shown.json.motherWorkplace).toBe(evil);
    const refused = await as.district.post(`/api/applications/${created.json.id}/refuse`, { reason: 'other', comment: evil });
    expect(refused.status).toBe(200);
    const searched = await as.district.get(`/api/applications?${listQuery({ q: "'; select pg_sleep(5); --" })}`);
    expect(searched.status).toBe(200);
    // Three characters, so a name search: LIKE's wildcards are plain text in it.
    const wildcard = await as.district.get(`/api/applications?${listQuery({ q: '%%%' })}`);
    expect(wildcard.json).toEqual([]);
    const stillThere = await database.db.select({ id: applications.id }).from(applications).limit(1);
    expect(stillThere).toHaveLength(1);
  });
});

describe('errors', () => {
  it('never shows a stack trace: unknown routes, bad ids and bad JSON get short JSON answers', async () => {
    for (const res of [
      await as.admin.get('/api/applications/abc'),
      await as.admin.get('/api/applications/99999999'),
      await as.admin.get('/api/nothing-here'),
      await as.admin.post('/api/applications/1/refuse', 'not an object'),
    ]) {
      expect([400, 404]).toContain(res.status);
      expect(res.text).not.toMatch(/at .*\.ts:\d+|Error:|stack/);
    }
    const res = await app.request('/api/applications', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(res.status).toBe(401);
  });

  it('marks every answer no-store and refuses bodies over the limit with 413', async () => {
    for (const res of [await as.admin.get(`/api/applications?${listQuery({})}`), await as.admin.get('/api/nothing-here')]) {
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const big = await as.admin.post('/api/applications/1/refuse', { reason: 'other', comment: 'x'.repeat(300 * 1024) });
    expect(big.status).toBe(413);
    expect(big.json).toEqual({ error: 'too_large', message: 'errors.too_long' });
    expect(big.headers.get('cache-control')).toBe('no-store');
  });
});
