/**
 * /api/day-transfers: the decree transfers of working days, admin only, audited, and used by the
 * working-day calendar as soon as they are saved. Runs on PGlite and on the real PostgreSQL server.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';
import { addWorkingDays, isWorkingDay, useDayTransfers } from '../../core/working-days.ts';
import { openTestDatabase } from '../support/db.ts';
import { client, createStaff, everyRole, listQuery, ROLES, signIn, testServer, type Client, type Role, type RoleCase, type TestApp } from '../support/admin.ts';

let database: Database;
let app: TestApp;
const as = {} as Record<Role, Client>;
let anonymous: Client;

/** A distinct Saturday per call, far in the future so no decree of a real year is touched. */
let saturdays = 0;
function nextSaturday(): string {
  const ms = Date.UTC(2090, 0, 7) + 7 * 86_400_000 * saturdays++; // 7 Jan 2090 is a Saturday
  return new Date(ms).toISOString().slice(0, 10);
}

beforeAll(async () => {
  database = await openTestDatabase();
  app = testServer(database);
  const accounts = {
    admin: await createStaff(database, ['admin']),
    district: await createStaff(database, ['district_staff']),
    call_centre: await createStaff(database, ['call_centre']),
    auditor: await createStaff(database, ['auditor']),
  };
  for (const role of ROLES) as[role] = client(app, await signIn(app, accounts[role].login, accounts[role].password));
  anonymous = client(app, null);
});
afterAll(async () => {
  useDayTransfers([]);
  await database.close();
});

const cases: RoleCase[] = [
  { name: 'GET /api/day-transfers', allowed: ['admin'], run: (c) => c.get(`/api/day-transfers?${listQuery({})}`) },
  {
    name: 'POST /api/day-transfers',
    allowed: ['admin'],
    run: (c) => c.post('/api/day-transfers', { day: nextSaturday(), working: true, decree: 'ҚР Үкіметінің қаулысы' }),
  },
];

describe('every endpoint × every role', () => {
  everyRole(cases, () => ({ as, anonymous }));
});

describe('decree transfers', () => {
  it('a Saturday made a working day moves deadlines at once, is audited, and goes back when deleted', async () => {
    // Friday 2 Jan 2099 is a holiday; Saturday 3 Jan and Sunday 4 Jan are weekend: one working day
    // after New Year's Eve evening is Monday 5 Jan.
    const eve = new Date('2098-12-31T15:00:00Z');
    expect(addWorkingDays(eve, 1).toISOString()).toBe('2099-01-05T18:59:59.999Z');
    const created = await as.admin.post('/api/day-transfers', { day: '2099-01-03', working: true, decree: 'Постановление Правительства РК № 1' });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ day: '2099-01-03', working: true, decree: 'Постановление Правительства РК № 1' });
    expect(isWorkingDay('2099-01-03')).toBe(true);
    expect(addWorkingDays(eve, 1).toISOString()).toBe('2099-01-03T18:59:59.999Z');
    const [row] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'day_transfer.create'), eq(auditLog.entityId, created.json.id)));
    expect(row).toMatchObject({ actorType: 'staff', entity: 'day_transfer', data: { day: '2099-01-03', working: true } });

    const listed = await as.admin.get(`/api/day-transfers?${listQuery({ year: 2099 })}`);
    expect(listed.json.map((r: { day: string }) => r.day)).toEqual(['2099-01-03']);

    const edited = await as.admin.put(`/api/day-transfers/${created.json.id}`, { decree: 'Постановление Правительства РК № 2' });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.json.decree).toBe('Постановление Правительства РК № 2');

    const deleted = await as.admin.delete(`/api/day-transfers/${created.json.id}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect(isWorkingDay('2099-01-03')).toBe(false);
    const actions = await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityId, created.json.id));
    expect(actions.map((a) => a.action).filter((a) => a.startsWith('day_transfer.'))).toEqual([
      'day_transfer.create',
      'day_transfer.update',
      'day_transfer.delete',
    ]);
  });

  it('refuses a transfer that moves nothing, a second one for the same day, and a day that does not exist', async () => {
    const weekday = await as.admin.post('/api/day-transfers', { day: '2099-06-03', working: true, decree: 'x' }); // a Wednesday
    expect(weekday.status).toBe(400);
    expect(weekday.json.fields).toEqual([{ field: 'working', code: 'already_working_day' }]);
    const holiday = await as.admin.post('/api/day-transfers', { day: '2099-01-01', working: false, decree: 'x' });
    expect(holiday.json.fields).toEqual([{ field: 'working', code: 'already_day_off' }]);
    const day = nextSaturday();
    expect((await as.admin.post('/api/day-transfers', { day, working: true, decree: 'x' })).status).toBe(201);
    const again = await as.admin.post('/api/day-transfers', { day, working: true, decree: 'y' });
    expect(again.status).toBe(409);
    expect(again.json.fields).toEqual([{ field: 'day', code: 'day_taken' }]);
    const bad = await as.admin.post('/api/day-transfers', { day: '2099-02-30', working: true, decree: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.json.fields).toEqual([{ field: 'day', code: 'invalid' }]);
  });
});
