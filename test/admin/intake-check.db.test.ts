/**
 * The intake's live duplicate check (GET /api/applications/duplicate): the same answer as a
 * submitted duplicate, district-scoped and audited, before the rest of the form is typed.
 */
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { makeIin } from '../../core/iin.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces } from '../support/factories.ts';
import { client, createStaff, signIn, testServer, type Client } from '../support/admin.ts';

const parent = { type: 'parent', id: null } as const;
let database: Database;
let staffA: Client;
let staffAId: number;
let auditor: Client;
let inA: { iin: string; number: string; id: number };
let inB: { iin: string; number: string };

beforeAll(async () => {
  database = await openTestDatabase();
  const a = await createPlaces(database.db);
  const b = await createPlaces(database.db);
  const x = applicationInput(a);
  const appA = (await submitApplication(database.db, x, parent, defaultPolicy)).application;
  inA = { iin: x.child.iin, number: appA.number, id: appA.id };
  const y = applicationInput(b);
  inB = { iin: y.child.iin, number: (await submitApplication(database.db, y, parent, defaultPolicy)).application.number };
  const app = testServer(database);
  const s = await createStaff(database, ['district_staff'], { districtIds: [a.districtId] });
  staffAId = s.id;
  staffA = client(app, await signIn(app, s.login, s.password));
  const au = await createStaff(database, ['auditor']);
  auditor = client(app, await signIn(app, au.login, au.password));
});
afterAll(async () => {
  await database.close();
});

describe('GET /api/applications/duplicate', () => {
  it("shows one's own district's application, names only the district of another's, and audits both", async () => {
    const own = await staffA.get(`/api/applications/duplicate?childIin=${inA.iin}`);
    expect(own.json).toMatchObject({ duplicate: true, visible: true, id: inA.id, number: inA.number });
    const away = await staffA.get(`/api/applications/duplicate?childIin=${inB.iin}`);
    expect(away.json).toMatchObject({ duplicate: true, visible: false, elsewhere: { district: { nameKk: 'Сынақ ауданы' } } });
    expect(away.text).not.toContain(inB.number);
    const [row] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'application.duplicate_answer'), eq(auditLog.actorId, staffAId)))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(row?.data).toMatchObject({ answer: 'elsewhere' });
  });

  it('answers no duplicate for a new child, 400 for an invalid IIN, 403 for a role without intake', async () => {
    expect((await staffA.get(`/api/applications/duplicate?childIin=${makeIin('2023-05-06', 'female', 4242)}`)).json).toEqual({ duplicate: false });
    expect((await staffA.get('/api/applications/duplicate?childIin=123456789012')).status).toBe(400);
    expect((await auditor.get(`/api/applications/duplicate?childIin=${inA.iin}`)).status).toBe(403);
  });
});
