/**
 * What staff learn about children outside their districts, and what each call-centre look-up
 * asks for. District A's staff typing the IIN of district B's child at the intake learn only that
 * an application exists elsewhere and whom to send the parent to; every such answer is audited.
 * Every look-up needs its own reason, with its own message when it is missing or too short.
 */
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { auditLog, districts } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { createI18n } from '../../locales/index.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { client, createStaff, signIn, testServer, type Client, type TestApp } from '../support/admin.ts';

const policy: Policy = { ...defaultPolicy, lookupReasonMinChars: 8 };
const year = new Date().getUTCFullYear() - 3;

let database: Database;
let app: TestApp;
let districtA: Places;
let districtB: Places;
let staffA: Client;
let staffAId: number;
let staffB: Client;
let admin: Client;
let callCentre: Client;

beforeAll(async () => {
  database = await openTestDatabase();
  app = testServer(database, policy);
  districtA = await createPlaces(database.db);
  districtB = await createPlaces(database.db);
  const a = await createStaff(database, ['district_staff'], { districtIds: [districtA.districtId] });
  const b = await createStaff(database, ['district_staff'], { districtIds: [districtB.districtId] });
  const adm = await createStaff(database, ['admin']);
  const cc = await createStaff(database, ['call_centre']);
  staffAId = a.id;
  staffA = client(app, await signIn(app, a.login, a.password));
  staffB = client(app, await signIn(app, b.login, b.password));
  admin = client(app, await signIn(app, adm.login, adm.password));
  callCentre = client(app, await signIn(app, cc.login, cc.password));
});
afterAll(async () => {
  await database.close();
});

/** The intake form for `places`, for the child of `child` when given. */
function intakeBody(places: Places, child?: { iin: string; birthDate: string }) {
  const input = applicationInput(places, { childYear: year });
  const { consentAt: _c, telegramUserId: _t, ...applicant } = input.applicant;
  return { ...input, child: { ...input.child, ...child }, applicant, channel: 'office', consent: true };
}

async function lastAudit(action: string, actorId: number) {
  const [row] = await database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.actorId, actorId)))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return row;
}

describe('the intake duplicate across districts', () => {
  it("tells another district's staff only that the child has an application elsewhere, and whom to contact, and audits it", async () => {
    const input = applicationInput(districtB, { childYear: year });
    const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, policy);
    const child = { iin: input.child.iin, birthDate: input.child.birthDate };

    const probe = await staffA.post('/api/applications', intakeBody(districtA, child));
    expect(probe.status, probe.text).toBe(200);
    const [b] = await database.db.select().from(districts).where(eq(districts.id, districtB.districtId));
    expect(probe.json).toEqual({ duplicate: true, visible: false, elsewhere: { district: { id: b!.id, nameKk: b!.nameKk, nameRu: b!.nameRu } } });
    for (const secret of [String(application.id), application.number, application.status, input.child.iin]) {
      expect(probe.text, secret).not.toContain(`"${secret}"`);
    }
    expect(probe.text).not.toContain(application.number);

    const logged = await lastAudit('application.duplicate_answer', staffAId);
    expect(logged).toMatchObject({
      actorType: 'staff',
      entity: 'application',
      entityId: application.id,
      data: { childIin: `••••••••${input.child.iin.slice(-4)}`, answer: 'elsewhere', districtId: districtB.districtId },
    });
    expect(JSON.stringify(logged!.data)).not.toContain(input.child.iin);

    // Staff of the child's own district, and an admin, are shown the application.
    const own = await staffB.post('/api/applications', intakeBody(districtB, child));
    expect(own.json).toEqual({ id: application.id, number: application.number, status: application.status, duplicate: true, visible: true });
    const byAdmin = await admin.post('/api/applications', intakeBody(districtA, child));
    expect(byAdmin.json).toMatchObject({ id: application.id, duplicate: true, visible: true });
  });

  it('keeps every other answer about an application inside the district', async () => {
    const input = applicationInput(districtB, { childYear: year });
    const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, policy);
    expect((await staffA.get(`/api/applications/${application.id}`)).status).toBe(404);
    const q = new URLSearchParams({ filter: JSON.stringify({ q: input.child.iin }) });
    const search = await staffA.get(`/api/applications?${q}`);
    expect(search.json).toEqual([]);
    expect(search.headers.get('content-range')).toMatch(/\/0$/);
    const byId = new URLSearchParams({ filter: JSON.stringify({ id: [application.id] }) });
    expect((await staffA.get(`/api/applications?${byId}`)).json).toEqual([]);
    const docs = new URLSearchParams({ filter: JSON.stringify({ applicationId: application.id }) });
    expect((await staffA.get(`/api/documents?${docs}`)).json).toEqual([]);
    expect((await staffA.get(`/api/referrals?${docs}`)).json).toEqual([]);
    for (const action of ['verify', 'refuse', 'priority']) {
      expect((await staffA.post(`/api/applications/${application.id}/${action}`, { reason: 'other', decision: 'verified' })).status, action).toBe(404);
    }
  });
});

describe('the call-centre look-up reason', () => {
  it('asks for a reason when there is none and says "too short", with the minimum from the settings, when it is short', async () => {
    const none = await callCentre.post('/api/lookup', { query: '2026-0000001' });
    expect(none.json.fields).toEqual([{ field: 'reason', code: 'reason_required' }]);
    const blank = await callCentre.post('/api/lookup', { query: '2026-0000001', reason: '   ' });
    expect(blank.json.fields).toEqual([{ field: 'reason', code: 'reason_required' }]);
    const short = await callCentre.post('/api/lookup', { query: '2026-0000001', reason: 'мама' });
    expect(short.status).toBe(400);
    expect(short.json.fields).toEqual([{ field: 'reason', code: 'reason_too_short', params: { count: 8 } }]);
    // Both problems at once: the query's and the reason's.
    const both = await callCentre.post('/api/lookup', { query: '', reason: 'мама' });
    expect(both.json.fields).toEqual([
      { field: 'query', code: 'required' },
      { field: 'reason', code: 'reason_too_short', params: { count: 8 } },
    ]);
    const ok = await callCentre.post('/api/lookup', { query: '2026-0000001', reason: 'мама звонит' });
    expect(ok.status).toBe(200);

    const i18n = await createI18n();
    for (const lang of ['kk', 'ru'] as const) {
      const t = i18n.getFixedT(lang);
      const tooShort = t('errors.reason_too_short', { count: 8 });
      expect(tooShort).toContain('8');
      expect(tooShort).not.toBe(t('errors.reason_required'));
    }
  });

  it('logs each look-up with the reason sent with it: no request reuses an earlier one', async () => {
    const input = applicationInput(districtA, { childYear: year });
    const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, policy);
    const me = (await callCentre.get('/api/auth/me')).json;
    expect((await callCentre.post('/api/lookup', { query: application.number, reason: 'анасы қоңырау шалды' })).status).toBe(200);
    const second = await callCentre.post('/api/lookup', { query: application.number });
    expect(second.status).toBe(400);
    const logged = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'lookup'), eq(auditLog.actorId, me.id), eq(auditLog.entityId, application.id)));
    expect(logged.map((l) => l.reason)).toEqual(['анасы қоңырау шалды']);
  });
});
