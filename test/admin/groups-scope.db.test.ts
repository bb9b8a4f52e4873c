/**
 * District staff keep the groups and seats of their own district's kindergartens (admins
 * everywhere): another district's kindergarten or group is refused, and every change is audited.
 */
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';
import { openTestDatabase } from '../support/db.ts';
import { createPlaces, type Places } from '../support/factories.ts';
import { client, createStaff, signIn, testServer, type Client } from '../support/admin.ts';

const year = new Date().getUTCFullYear() - 1;
let database: Database;
let mine: Places;
let other: Places;
let staff: Client;
let staffId: number;
let admin: Client;

beforeAll(async () => {
  database = await openTestDatabase();
  mine = await createPlaces(database.db);
  other = await createPlaces(database.db);
  const app = testServer(database);
  const s = await createStaff(database, ['district_staff'], { districtIds: [mine.districtId] });
  staffId = s.id;
  staff = client(app, await signIn(app, s.login, s.password));
  const a = await createStaff(database, ['admin']);
  admin = client(app, await signIn(app, a.login, a.password));
});
afterAll(async () => {
  await database.close();
});

const lastAudit = async (action: string) =>
  (
    await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.actorId, staffId)))
      .orderBy(desc(auditLog.id))
      .limit(1)
  )[0];

describe('groups of a district', () => {
  it("lets district staff add a group and change seats in their own district's kindergarten, audited", async () => {
    const created = await staff.post('/api/groups', { kindergartenId: mine.kindergartenIds[0], name: 'Кіші топ', birthYear: year, language: 'kk', capacity: 20, enrolled: 2 });
    expect(created.status, created.text).toBe(201);
    expect(await lastAudit('group.create')).toMatchObject({ entity: 'group', entityId: created.json.id });
    const changed = await staff.put(`/api/groups/${mine.groupIds[0]}`, { capacity: 30 });
    expect(changed.status, changed.text).toBe(200);
    expect((await lastAudit('group.update'))?.data).toMatchObject({ capacity: { from: 25, to: 30 } });
  });

  it("refuses another district's kindergarten and group; an admin may change both", async () => {
    const created = await staff.post('/api/groups', { kindergartenId: other.kindergartenIds[0], name: 'Кіші топ', birthYear: year, language: 'kk', capacity: 20, enrolled: 2 });
    expect(created.status).toBe(400);
    expect(created.json.fields).toEqual([{ field: 'kindergartenId', code: 'district_not_yours' }]);
    expect((await staff.put(`/api/groups/${other.groupIds[0]}`, { capacity: 30 })).status).toBe(404);
    expect((await admin.put(`/api/groups/${other.groupIds[0]}`, { capacity: 30 })).status).toBe(200);
  });
});
