/**
 * Four eyes on priority rights through the panel's API: a clerk approving alone gets a 202 and
 * "waiting for a second approval", cannot approve again, sees the claim in the list of claims
 * waiting and on the dashboard; another clerk with the right to decide grants it. Work
 * certificates that may lapse before verification are flagged in the application's detail.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applications, documents } from '../../db/schema/index.ts';
import { attachDocument } from '../../core/attachments.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { client, createStaff, listQuery, PDF_MINI, signIn, testServer, type Client, type TestApp } from '../support/admin.ts';

const policy = defaultPolicy;
const year = new Date().getUTCFullYear() - 3;
let database: Database;
let app: TestApp;
let places: Places;
let clerk: Client;
let colleague: Client;
let auditor: Client;
let clerkId: number;

beforeAll(async () => {
  database = await openTestDatabase();
  app = testServer(database, policy);
  places = await createPlaces(database.db);
  const a = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  const b = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  const c = await createStaff(database, ['auditor']);
  clerkId = a.id;
  clerk = client(app, await signIn(app, a.login, a.password));
  colleague = client(app, await signIn(app, b.login, b.password));
  auditor = client(app, await signIn(app, c.login, c.password));
});
afterAll(async () => {
  await database.close();
});

async function claim(category: 'large_family' | 'military') {
  const { application } = await submitApplication(
    database.db,
    applicationInput(places, { childYear: year, priorityCategory: category }),
    { type: 'parent', id: null },
    policy,
  );
  return application;
}

describe('four eyes in the panel', () => {
  it('a clerk alone cannot grant a right; a colleague can', async () => {
    const a = await claim('large_family');
    const first = await clerk.post(`/api/applications/${a.id}/priority`, { decision: 'verified', comment: 'куәлік көрсетілді' });
    expect(first.status, first.text).toBe(202);
    expect(first.json).toMatchObject({ state: 'awaiting_second_approval', priorityProof: 'pending', queueCategory: 2 });

    const again = await clerk.post(`/api/applications/${a.id}/priority`, { decision: 'verified' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: 'second_approver_must_differ', message: 'errors.second_approver_must_differ' });
    expect(again.json.params.at).toMatch(/^\d\d\.\d\d\.\d{4} \d\d:\d\d$/);

    const mine = (await clerk.get(`/api/applications/${a.id}`)).json;
    expect(mine.secondApproval).toMatchObject({ firstApproverId: clerkId, firstApproverName: expect.stringContaining('Сынақ Қызметкер') });
    // The first approver may still deny, never approve again; a colleague may do both.
    expect(mine.actions).toMatchObject({ priority: true, approvePriority: false });
    expect((await colleague.get(`/api/applications/${a.id}`)).json.actions).toMatchObject({ priority: true, approvePriority: true });
    expect((await auditor.get(`/api/applications/${a.id}`)).json.actions).toMatchObject({ priority: false, approvePriority: false });
    expect(mine.history.map((h: { action: string }) => h.action)).toContain('application.priority_first_approval');

    // The list of claims waiting for a second approval, and the dashboard's count and oldest.
    const waiting = await clerk.get(`/api/applications?${listQuery({ districtId: places.districtId, awaitingSecondApproval: true })}`);
    expect(waiting.status, waiting.text).toBe(200);
    expect(waiting.json.map((r: { id: number }) => r.id)).toEqual([a.id]);
    expect(waiting.json[0].priorityFirstApprovedAt).toBeTruthy();
    const bad = await clerk.get(`/api/applications?${listQuery({ awaitingSecondApproval: 'yes' })}`);
    expect(bad.status).toBe(400);
    const dash = await clerk.get(`/api/dashboard?districtId=${places.districtId}`);
    expect(dash.json.secondApproval).toMatchObject({ waiting: 1 });
    expect(Date.now() - Date.parse(dash.json.secondApproval.oldestAt)).toBeLessThan(60_000);

    const granted = await colleague.post(`/api/applications/${a.id}/priority`, { decision: 'verified' });
    expect(granted.status, granted.text).toBe(200);
    expect(granted.json).toMatchObject({ state: 'verified', priorityProof: 'verified', queueCategory: 1 });
    expect((await clerk.get(`/api/dashboard?districtId=${places.districtId}`)).json.secondApproval).toEqual({ waiting: 0, oldestAt: null });
    const after = (await clerk.get(`/api/applications/${a.id}`)).json;
    expect(after.secondApproval).toBeNull();
  });

  it('flags a work certificate that will likely lapse before it is verified', async () => {
    const a = await claim('military');
    await attachDocument(database.db, { applicationId: a.id, kind: 'priority_proof', fileName: 'анықтама.pdf', bytes: PDF_MINI, actor: { type: 'parent', id: null }, policy });
    const fresh = (await clerk.get(`/api/applications/${a.id}`)).json;
    expect(fresh.certificateWarning).toBeNull();
    // Sent 26 days ago: valid 4 more days at most, verification takes longer.
    await database.db
      .update(documents)
      .set({ createdAt: new Date(Date.now() - 26 * 86_400_000) })
      .where(eq(documents.applicationId, a.id));
    const old = (await clerk.get(`/api/applications/${a.id}`)).json;
    expect(old.certificateWarning).toMatchObject({ kind: 'lapses_before_verification', days: policy.proofVerificationDays });
    const [row] = await database.db.select().from(applications).where(eq(applications.id, a.id));
    expect(row!.priorityProof).toBe('pending');
  });
});
