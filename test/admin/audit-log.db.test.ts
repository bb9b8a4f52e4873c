/**
 * The audit log as people read it: rows about an application (and its documents and referrals)
 * carry the application's number and child, a comment comes as text, and one filter gives
 * every row of one application by its number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces } from '../support/factories.ts';
import { client, createStaff, signIn, testServer, type Client } from '../support/admin.ts';

const parent = { type: 'parent', id: null } as const;
let database: Database;
let auditor: Client;
let mine: { id: number; number: string; child: string; applicant: string };
let other: { number: string };

beforeAll(async () => {
  database = await openTestDatabase();
  const places = await createPlaces(database.db);
  const input = applicationInput(places);
  input.child.fullName = 'Әбілқасымова Іңкәр Бауыржанқызы';
  const { application } = await submitApplication(database.db, input, parent, defaultPolicy);
  mine = { id: application.id, number: application.number, child: input.child.fullName, applicant: input.applicant.fullName };
  other = { number: (await submitApplication(database.db, applicationInput(places), parent, defaultPolicy)).application.number };
  const app = testServer(database);
  const s = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  const staff = client(app, await signIn(app, s.login, s.password));
  const refused = await staff.post(`/api/applications/${mine.id}/refuse`, { reason: 'documents_incomplete', comment: 'Туу туралы куәлік жоқ' });
  expect(refused.status, refused.text).toBe(200);
  const a = await createStaff(database, ['auditor']);
  auditor = client(app, await signIn(app, a.login, a.password));
});
afterAll(async () => {
  await database.close();
});

describe('GET /api/audit-log', () => {
  it("names the application by its number and child, gives the comment as text, and filters by the application's number", async () => {
    const res = await auditor.get(`/api/audit-log?filter=${encodeURIComponent(JSON.stringify({ applicationNumber: mine.number }))}&sort=["id","ASC"]&range=[0,99]`);
    expect(res.status, res.text).toBe(200);
    const rows = res.json as { action: string; entity: string; applicationNumber: string; childName: string; comment: string | null }[];
    expect(rows.map((r) => r.action)).toEqual(['application.submit', 'application.register', 'application.refuse']);
    for (const r of rows) expect(r).toMatchObject({ applicationNumber: mine.number, childName: mine.child });
    expect(rows.at(-1)!.comment).toBe('Туу туралы куәлік жоқ');
    // The parent who submitted in the bot is named, not numbered.
    expect(rows[0]).toMatchObject({ actorType: 'parent', parentName: mine.applicant });
    expect(res.headers.get('content-range')).toMatch(/\/3$/);
    expect(JSON.stringify(rows)).not.toContain(other.number);
  });
});
