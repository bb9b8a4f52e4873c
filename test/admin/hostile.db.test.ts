/**
 * Bad input never makes the server fail: thousands of generated hostile requests across every
 * route of the app (read from Hono's own route table, so a new route is swept automatically),
 * unauthenticated and as each role, must all be answered below 500. The generator is seeded, so
 * a failure repeats; each failing request is printed. Then the five causes the sweep first found,
 * one focused case each.
 */
import { Writable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { auditLog, feedback, groups, kindergartens, referrals } from '../../db/schema/index.ts';
import { createServer } from '../../admin/server/index.ts';
import { attachDocument } from '../../core/attachments.ts';
import { submitApplication } from '../../core/applications.ts';
import { loadConfig } from '../../core/config.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { generateSigningKey } from '../../core/signing.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { client, createStaff, ipEnv, listQuery, PNG_1x1, ROLES, signIn, type Client, type Role, type Session } from '../support/admin.ts';

const policy: Policy = { ...defaultPolicy, freeze: { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } } };
const year = new Date().getUTCFullYear() - 3;

/** mulberry32: a small seeded generator, so every run sends the same requests. */
function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const sample = <T,>(list: readonly T[], n: number): T[] => {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  };
  return { next, pick, sample };
}

/** Values no field should choke on: control characters, out-of-range numbers and dates, wrong types. */
const HOSTILE_VALUES: unknown[] = [
  '\u0000',
  'Әсел\u0000Нұрланқызы',
  '\u0001\u0008\u001f',
  'del\u007f',
  '\ud800',
  '',
  '   ',
  'x'.repeat(70_000),
  '%00',
  "' or 1=1 --",
  '0000-01-01',
  '99999-01-01',
  '-000001-01-01',
  '2024-02-30',
  '1970-01-01T00:00:00+25:00',
  2147483648,
  -2147483649,
  40000,
  32768,
  -1,
  0,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  '2147483648',
  '1e3',
  'NaN',
  'abc',
  null,
  true,
  false,
  [],
  [null],
  [2147483648],
  ['\u0000'],
  [[[]]],
  {},
  { $gt: '' },
  Array.from({ length: 2000 }, (_, i) => i + 100_000),
];

/** Whole bodies that are not the object a route expects (sent as application/json unless noted). */
const HOSTILE_BODIES: { body: string; type?: string }[] = [
  { body: '' },
  { body: 'null' },
  { body: '[]' },
  { body: '"text"' },
  { body: '42' },
  { body: '{' },
  { body: '{"a":' },
  { body: 'not json' },
  { body: '\u0000' },
  { body: '{"x":"\\u0000"}' },
  { body: '['.repeat(20_000) },
  { body: '['.repeat(50_000) + ']'.repeat(50_000) },
  { body: '{"a":'.repeat(20_000) + '"\u0000"' + '}'.repeat(20_000) },
  { body: '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}' },
  { body: '{"a":1}', type: 'text/plain' },
  { body: 'a=1&b=%00', type: 'application/x-www-form-urlencoded' },
  { body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n\u0000\r\n--x--\r\n', type: 'multipart/form-data; boundary=x' },
  { body: '{}', type: 'multipart/form-data' },
];

/** Path parameters that are not ids (none of them parses to an id another test file might own). */
const HOSTILE_IDS = ['2147483648', '-1', '0', '1.5', 'abc', '%00', '%ZZ', '%F0%9F', '9'.repeat(30), '1%00', '%E2%80%AE1', 'null', '%2e%2e'];
/** Odd spellings of small numbers: safe to read, never used to change anything. */
const ODD_IDS = ['1e3', '0x1F', '%201', '+5', '1.0', 'Infinity'];
const HOSTILE_NUMBERS = ['%00', '%ZZ', '%00.json', 'x'.repeat(3000), '2026-%00', '..%2F..%2Fetc%2Fpasswd', '%C0%AE', '.json', 'REF%0A%0D'];
const HOSTILE_SEGMENTS = ['%00', '%ZZ', '..%2F..%2Fpackage.json', 'assets/%00.js', '%2e%2e/%2e%2e/etc/passwd', 'index.html%00.png'];

/** Filter names of every list (unknown ones are a 400: still worth sending). */
const FILTER_KEYS = [
  'id', 'q', 'status', 'districtId', 'birthYear', 'language', 'priorityCategory', 'priorityProof', 'channel', 'queueCategory',
  'registeredFrom', 'registeredTo', 'applicationId', 'groupId', 'kindergartenId', 'offeredFrom', 'offeredTo', 'createdFrom',
  'createdTo', 'from', 'to', 'actorType', 'actorId', 'entity', 'entityId', 'action', 'active', 'role', 'hasFree', 'kind',
  'verification', 'password_hash',
];

type Who = Role | 'anonymous';

interface Sent {
  who: Who;
  method: string;
  path: string;
  type?: string;
  body?: string;
}

let database: Database;
let app: ReturnType<typeof createServer>;
let mine: Places;
let quiet: Places;
const sessions = {} as Record<Role, Session>;
const as = {} as Record<Role, Client>;
/** Error-level log lines of the server: an unexpected error is a failure even when answered. */
const logged: string[] = [];
/** A real record per resource, so hostile bodies reach the code behind the id checks. */
const real: Record<string, string> = {};
let referralToken = '';

async function application(places: Places = mine) {
  const input = applicationInput(places, { childYear: year, kindergartenIds: [places.kindergartenIds[0]!] });
  return (await submitApplication(database.db, input, { type: 'parent', id: null }, policy)).application;
}

beforeAll(async () => {
  database = await openTestDatabase();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  app = createServer({
    database,
    config: loadConfig({ SEED_DEMO: 'false' }),
    logger: pino({ level: 'error' }, sink),
    policy,
    signingKey: generateSigningKey(),
  });
  mine = await createPlaces(database.db);
  quiet = await createPlaces(database.db);
  const [group] = await database.db
    .select()
    .from(groups)
    .where(and(eq(groups.kindergartenId, mine.kindergartenIds[0]!), eq(groups.birthYear, year), eq(groups.language, 'kk')));
  await database.db.update(groups).set({ capacity: 60, enrolled: 0 }).where(eq(groups.id, group!.id));
  for (let i = 0; i < 6; i++) await application();
  const accounts = {
    admin: await createStaff(database, ['admin']),
    district: await createStaff(database, ['district_staff'], { districtIds: [mine.districtId, quiet.districtId] }),
    call_centre: await createStaff(database, ['call_centre']),
    auditor: await createStaff(database, ['auditor']),
  };
  for (const role of ROLES) {
    sessions[role] = await signIn(app, accounts[role].login, accounts[role].password);
    as[role] = client(app, sessions[role]);
  }
  const app1 = await application();
  const doc = await attachDocument(database.db, { applicationId: app1.id, kind: 'birth_certificate', fileName: 'scan.png', bytes: PNG_1x1, actor: { type: 'system' }, policy });
  const offer = await as.admin.post('/api/referrals', { groupId: group!.id });
  expect(offer.status, offer.text).toBe(201);
  const issued = await as.admin.post('/api/referrals', { groupId: group!.id });
  const confirmed = await as.admin.post(`/api/referrals/${issued.json.id}/confirm`, { reason: 'ата-анасы телефон соқты', channel: 'phone' });
  expect(confirmed.status, confirmed.text).toBe(200);
  const [issuedRow] = await database.db.select({ token: referrals.verifyToken }).from(referrals).where(eq(referrals.id, issued.json.id));
  referralToken = issuedRow!.token;
  const round = await as.admin.post('/api/rounds', { districtId: quiet.districtId });
  expect(round.status, round.text).toBe(201);
  const [fb] = await database.db.insert(feedback).values({ language: 'ru', courtesy: 5 }).returning();
  const [audit] = await database.db.select({ id: auditLog.id }).from(auditLog).limit(1);
  const spare = await createStaff(database, ['call_centre']);
  Object.assign(real, {
    applications: String(app1.id),
    documents: String(doc.id),
    kindergartens: String(mine.kindergartenIds[2]),
    groups: String(mine.groupIds[5]),
    referrals: String(offer.json.id),
    rounds: String(round.json.id),
    'staff-users': String(spare.id),
    'audit-log': String(audit!.id),
    feedback: String(fb!.id),
    districts: String(mine.districtId),
  });
});
afterAll(async () => {
  await database.close();
});

/** A valid body of each route that takes one: the sweep breaks one field at a time. */
function validBody(method: string, path: string): Record<string, unknown> | null {
  const intake = () => {
    const input = applicationInput(mine, { childYear: year });
    const { consentAt: _c, telegramUserId: _t, ...applicant } = input.applicant;
    return {
      ...input,
      applicant,
      channel: 'office',
      consent: true,
      representative: { iin: '880101300013', fullName: 'Ахметов Нұрлан', phone: '+7 705 111 22 33', poaNumber: '№ 1', poaDate: '2024-01-10', poaIssuer: 'Нотариус' },
    };
  };
  const bodies: Record<string, () => Record<string, unknown>> = {
    'POST /api/auth/login': () => ({ login: 'nobody-here', password: 'not the password' }),
    // A wrong current password: the sweep never changes anyone's password.
    'POST /api/auth/password': () => ({ current: 'not the password', next: 'a brand new password 1' }),
    'POST /api/applications': intake,
    'POST /api/applications/:id/verify': () => ({ note: 'сверено' }),
    'POST /api/applications/:id/refuse': () => ({ reason: 'documents_false', comment: 'не совпадает' }),
    'POST /api/applications/:id/priority': () => ({ decision: 'rejected', reason: 'priority_no_document', comment: 'нет справки' }),
    'PUT /api/documents/:id': () => ({ verification: 'rejected', verificationNote: 'нечитаемый скан' }),
    'POST /api/kindergartens': () => ({
      districtId: mine.districtId,
      // Already used in the district: a unique violation unless a field breaks first.
      number: 1,
      nameKk: '№ 1 балабақша',
      nameRu: 'Детский сад № 1',
      addressKk: 'Абай даңғылы, 1',
      addressRu: 'проспект Абая, 1',
      phone: '+7 727 000 00 00',
      languages: ['kk', 'ru'],
      active: 1,
    }),
    'PUT /api/kindergartens/:id': () => ({ number: 1, nameKk: 'Балабақша', phone: '+7 727 000 00 01', languages: ['ru'], active: 1 }),
    'POST /api/groups': () => ({ kindergartenId: mine.kindergartenIds[2], name: 'Ересектер', birthYear: year, language: 'ru', capacity: 20, enrolled: 3 }),
    'PUT /api/groups/:id': () => ({ name: 'Кіші топ', capacity: 26, enrolled: 1 }),
    'POST /api/referrals': () => ({ groupId: mine.groupIds[0] }),
    'POST /api/referrals/:id/extend': () => ({ days: 7, reason: 'бала ауырып жатыр' }),
    'POST /api/rounds': () => ({ districtId: quiet.districtId }),
    'POST /api/staff-users': () => ({ login: 'op-taken', fullName: 'Оператор ЦОН', roles: ['call_centre'], districtIds: [], language: 'kk' }),
    'PUT /api/staff-users/:id': () => ({ fullName: 'Оператор 1414', roles: ['call_centre'], districtIds: [], language: 'ru', active: 1 }),
    'POST /api/lookup': () => ({ query: '2026-0000001', reason: 'Родитель звонит на 1414' }),
  };
  return bodies[`${method} ${path}`]?.() ?? null;
}

/** Every path to a leaf of a JSON object (array elements by index, and the array itself). */
function leaves(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => leaves(v, [...prefix, i]))];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...prefix, k]));
  return [prefix];
}

function withValue(body: unknown, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  const copy = (Array.isArray(body) ? [...body] : { ...(body as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = withValue(copy[path[0]!], path.slice(1), value);
  return copy;
}

/** The requests of one route for one caller, drawn from the seeded generator. */
function requestsFor(method: string, path: string, who: Who, rnd: ReturnType<typeof seeded>): Sent[] {
  const out: Sent[] = [];
  const resource = path.split('/')[2] ?? '';
  const changes = method !== 'GET';
  const fill = (id: string) => path.replace(':id', id).replace(':token', id).replace('*', id);
  const json = (body: unknown) => ({ type: 'application/json', body: JSON.stringify(body) });

  let targets: string[];
  if (path.includes(':id')) {
    targets = [...rnd.sample(HOSTILE_IDS, 5), ...(changes ? [] : rnd.sample(ODD_IDS, 2))].map(fill);
  } else if (path.includes(':token')) {
    targets = [...HOSTILE_NUMBERS.map(fill), fill(referralToken), fill(`${referralToken}.json`), `${fill(referralToken)}?lang=%00`, `${fill('x')}?lang=${'k'.repeat(5000)}`];
  } else if (path.includes('*')) {
    targets = HOSTILE_SEGMENTS.map(fill);
  } else targets = [path];
  const base = validBody(method, path);
  for (const target of targets) out.push({ who, method, path: target, ...(changes ? json(base ?? {}) : {}) });

  const at = path.includes(':id') ? fill(real[resource] ?? '1') : path.includes(':token') ? fill(referralToken) : path.replace('*', 'index.html');
  if (changes) {
    if (path === '/api/documents' && method === 'POST') {
      for (let i = 0; i < 8; i++) out.push({ who, method, path: at, ...uploadBody(rnd) });
    } else {
      if (base) {
        // Every field (nested ones too) with a hostile value, then random ones again.
        const spots = leaves(base);
        for (const spot of spots) out.push({ who, method, path: at, ...json(withValue(base, spot, rnd.pick(HOSTILE_VALUES))) });
        for (let i = 0; i < 10; i++) out.push({ who, method, path: at, ...json(withValue(base, rnd.pick(spots), rnd.pick(HOSTILE_VALUES))) });
        // Every field at once, and none of them (a PUT with nothing to change).
        out.push({ who, method, path: at, ...json(Object.fromEntries(Object.keys(base).map((k) => [k, rnd.pick(HOSTILE_VALUES)]))) });
        out.push({ who, method, path: at, ...json({}) });
        out.push({ who, method, path: at, ...json(base) });
      }
      for (const hostile of rnd.sample(HOSTILE_BODIES, 6)) out.push({ who, method, path: at, type: hostile.type ?? 'application/json', body: hostile.body });
    }
  } else if (!path.includes(':') && path.startsWith('/api/') && path !== '/api/auth/me') {
    // Every filter name with a hostile value, then random pairs.
    for (const key of FILTER_KEYS) out.push({ who, method, path: `${at}?${listQuery({ [key]: rnd.pick(HOSTILE_VALUES) })}` });
    for (let i = 0; i < 10; i++) out.push({ who, method, path: `${at}?${listQuery({ [rnd.pick(FILTER_KEYS)]: rnd.pick(HOSTILE_VALUES) })}` });
    const raw = [
      'filter=%ZZ',
      'filter=%00',
      `filter=${encodeURIComponent('{"q":"\u0000"}')}`,
      `sort=${encodeURIComponent('["id","ASC\u0000"]')}`,
      `range=${encodeURIComponent('[0,2147483648]')}`,
      `range=${encodeURIComponent('[-1,5]')}`,
      `range=${encodeURIComponent('[1.5,2]')}`,
      `range=${encodeURIComponent('["a","b"]')}`,
      `filter=${encodeURIComponent(JSON.stringify({ id: Array.from({ length: 5000 }, (_, i) => i) }))}`,
      'districtId=2147483648',
      'districtId=%00',
      'districtId=-1',
      'filter[]=1&filter[]=2',
      `filter=${encodeURIComponent(`{"q":${'['.repeat(5000)}${']'.repeat(5000)}}`)}`,
    ];
    for (const q of rnd.sample(raw, 6)) out.push({ who, method, path: `${at}?${q}` });
  }
  return out;
}

/** A document upload with one hostile part. */
function uploadBody(rnd: ReturnType<typeof seeded>): { type: string; body: string } {
  const parts: Record<string, string> = { applicationId: real.applications!, kind: 'birth_certificate' };
  const field = rnd.pick(['applicationId', 'kind', 'filename', 'file']);
  let filename = 'scan.png';
  let file = '%PDF-1.4\n%%EOF\n';
  const bad = String(rnd.pick(['\u0000', '2147483648', '-1', 'x'.repeat(5000), '', '1.5', 'abc', '%00', '\u0007.pdf']));
  if (field === 'filename') filename = bad;
  else if (field === 'file') file = bad;
  else parts[field] = bad;
  const boundary = 'hostile-boundary';
  const body =
    Object.entries(parts)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('') +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n${file}\r\n--${boundary}--\r\n`;
  return { type: `multipart/form-data; boundary=${boundary}`, body };
}

async function send(r: Sent, n: number): Promise<{ status: number; text: string }> {
  const session = r.who === 'anonymous' ? null : sessions[r.who];
  const headers: Record<string, string> = {};
  if (session) {
    headers.cookie = session.cookie;
    headers['x-csrf-token'] = session.csrf;
  }
  if (r.type) headers['content-type'] = r.type;
  // A different address per request: the login throttle is not what this test is about.
  const ip = `10.77.${(n >> 8) & 255}.${n & 255}`;
  const res = await app.request(r.path, { method: r.method, headers, ...(r.body !== undefined ? { body: r.body } : {}) }, ipEnv(ip));
  return { status: res.status, text: await res.text() };
}

describe('hostile requests', () => {
  it('answers thousands of generated hostile requests to every route, as everyone, without a 5xx', async () => {
    const rnd = seeded(20_260_110);
    const routes = new Map<string, { method: string; path: string }>();
    for (const r of app.routes) if (r.method !== 'ALL') routes.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
    expect(routes.size).toBeGreaterThan(40);

    const requests: Sent[] = [];
    for (const who of ['anonymous', ...ROLES] as Who[]) {
      for (const { method, path } of routes.values()) {
        // Logging out would end the session the rest of the sweep uses.
        if (path === '/api/auth/logout' && who !== 'anonymous') continue;
        requests.push(...requestsFor(method, path, who, rnd));
      }
    }
    expect(requests.length).toBeGreaterThan(2000);

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let n = 0;
    for (const r of requests) {
      const res = await send(r, n++);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      // The panel's files are built by `npm run build`; without them /admin/* says so with a 503.
      const unbuilt = res.status === 503 && r.path.startsWith('/admin/') && res.text.includes('panel_not_built');
      if (res.status >= 500 && !unbuilt) {
        failures.push(`${r.who} ${r.method} ${r.path.slice(0, 200)} [${r.type ?? ''}] ${(r.body ?? '').slice(0, 300)} → ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures, `${failures.length} of ${requests.length} requests failed:\n${failures.slice(0, 40).join('\n')}`).toEqual([]);
    expect(logged.map((l) => l.slice(0, 500))).toEqual([]);
    // The sweep reached the handlers, not only the session check: answers of every kind came back.
    for (const status of [200, 201, 400, 401, 403, 404, 409]) expect(statuses.get(status), `${status} in ${[...statuses]}`).toBeGreaterThan(0);
    // The sessions survived the sweep (nothing above signed anyone out or deactivated them).
    expect((await as.admin.get('/api/auth/me')).status).toBe(200);
  });
});

describe('the five causes the sweep found, one by one', () => {
  const fieldsOf = (res: { json: { fields?: unknown } }) => res.json.fields;

  it('refuses a NUL or another control character in any text with a 400 naming the field, signed in or not', async () => {
    const login = await app.request(
      '/api/auth/login',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'adm\u0000in', password: 'x' }) },
      ipEnv('10.78.0.1'),
    );
    expect(login.status).toBe(400);
    expect(((await login.json()) as { fields: unknown }).fields).toEqual([{ field: 'login', code: 'control_chars' }]);
    for (const path of ['/verify/%00', `/verify/${referralToken}%00.json`, '/verify/2026-%07']) {
      // Not a token's shape: not found, without a query.
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
    }
    // A real token still verifies.
    expect((await app.request(`/verify/${referralToken}.json`)).status).toBe(200);
    const note = await as.district.put(`/api/documents/${real.documents}`, { verification: 'rejected', verificationNote: 'скан\u0000' });
    expect(note.status).toBe(400);
    expect(fieldsOf(note)).toEqual([{ field: 'verificationNote', code: 'control_chars' }]);
    const lookup = await as.call_centre.post('/api/lookup', { query: '2026-0000001', reason: 'Анасы\u001b қоңырау шалды' });
    expect(fieldsOf(lookup)).toEqual([{ field: 'reason', code: 'control_chars' }]);
    const search = await as.admin.get(`/api/applications?${listQuery({ q: 'Айсұлу\u0000' })}`);
    expect(search.status).toBe(400);
    expect(fieldsOf(search)).toEqual([{ field: 'filter.q', code: 'control_chars' }]);
    // Nesting no form has is refused before anything walks it.
    const deep = await send({ who: 'call_centre', method: 'POST', path: '/api/lookup', type: 'application/json', body: `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}` }, 0);
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.text).fields).toEqual([{ field: '', code: 'invalid' }]);
    // Line breaks and tabs in a comment are text, not control characters.
    const refuse = await as.district.post(`/api/applications/${(await application()).id}/refuse`, { reason: 'other', comment: 'бірінші жол\nекінші\tжол' });
    expect(refuse.status, refuse.text).toBe(200);
  });

  it('refuses dates outside 4-digit years with a 400, and still filters by real ones', async () => {
    for (const [path, filter] of [
      ['/api/applications', { registeredFrom: '0000-01-01' }],
      ['/api/applications', { registeredTo: '99999-01-01' }],
      ['/api/audit-log', { from: '+099999-01-01T00:00:00Z' }],
      ['/api/rounds', { createdTo: '99999-01-01' }],
      ['/api/referrals', { offeredFrom: 1e15 }],
    ] as const) {
      const res = await as.admin.get(`${path}?${listQuery(filter)}`);
      expect(res.status, `${path} ${JSON.stringify(filter)}`).toBe(400);
    }
    const today = new Date().toISOString().slice(0, 10);
    expect((await as.admin.get(`/api/applications?${listQuery({ registeredFrom: '2020-01-01', registeredTo: today })}`)).status).toBe(200);
    expect((await as.admin.get(`/api/audit-log?${listQuery({ from: new Date(Date.now() - 3_600_000).toISOString() })}`)).status).toBe(200);
    const body = validBody('POST', '/api/applications')!;
    const intake = await as.district.post('/api/applications', { ...body, representative: { ...(body.representative as object), poaDate: '0000-01-01' } });
    expect(intake.status).toBe(400);
    expect(fieldsOf(intake)).toEqual([expect.objectContaining({ field: 'representative.poaDate' })]);
  });

  it('refuses integers beyond their column type with a 400, and ids beyond int4 or spelt oddly with a 404', async () => {
    for (const [path, filter] of [
      ['/api/applications', { birthYear: 40000 }],
      ['/api/applications', { districtId: mine.districtId, status: 'registered', birthYear: 40000 }],
      ['/api/applications', { queueCategory: 32768 }],
      ['/api/applications', { id: [1, 2147483648] }],
      ['/api/kindergartens', { active: 32768 }],
      ['/api/groups', { birthYear: -40000 }],
    ] as const) {
      const res = await as.admin.get(`${path}?${listQuery(filter)}`);
      expect(res.status, `${path} ${JSON.stringify(filter)}`).toBe(400);
    }
    expect((await as.admin.get('/api/dashboard?districtId=2147483648')).status).toBe(400);
    for (const id of ['2147483648', '1e3', '0x1F', '%201', '1.0']) expect((await as.admin.get(`/api/applications/${id}`)).status, id).toBe(404);
    const intake = await as.admin.post('/api/applications', { ...validBody('POST', '/api/applications')!, districtId: 2147483648 });
    expect(intake.status).toBe(400);
    expect(fieldsOf(intake)).toEqual([{ field: 'districtId', code: 'too_long' }]);
    const offer = await as.admin.post('/api/referrals', { groupId: 2147483648 });
    expect(offer.status).toBe(400);
  });

  it('answers a PUT with no editable field with a 400, not a database error', async () => {
    for (const [path, body] of [
      [`/api/kindergartens/${real.kindergartens}`, {}],
      [`/api/kindergartens/${real.kindergartens}`, { id: 5, free: 3, seats: 10 }],
      [`/api/groups/${real.groups}`, { held: 1 }],
      [`/api/staff-users/${real['staff-users']}`, { login: 'renamed' }],
    ] as const) {
      const res = await as.admin.put(path, body);
      expect(res.status, path).toBe(400);
      expect(fieldsOf(res)).toEqual([expect.objectContaining({ field: '', code: 'nothing_to_change' })]);
    }
  });

  it('answers a kindergarten number already used in the district with a 409 on the number field', async () => {
    const [taken] = await database.db.select().from(kindergartens).where(eq(kindergartens.id, mine.kindergartenIds[0]!));
    const created = await as.admin.post('/api/kindergartens', { ...validBody('POST', '/api/kindergartens')!, number: taken!.number });
    expect(created.status, created.text).toBe(409);
    expect(fieldsOf(created)).toEqual([{ field: 'number', code: 'number_taken' }]);
    const moved = await as.admin.put(`/api/kindergartens/${mine.kindergartenIds[1]}`, { number: taken!.number });
    expect(moved.status, moved.text).toBe(409);
    expect(fieldsOf(moved)).toEqual([{ field: 'number', code: 'number_taken' }]);
    // The same number in another district is free.
    const elsewhere = await as.admin.post('/api/kindergartens', { ...validBody('POST', '/api/kindergartens')!, districtId: quiet.districtId, number: 777 });
    expect(elsewhere.status, elsewhere.text).toBe(201);
  });
});
