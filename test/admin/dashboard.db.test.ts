/**
 * The dashboard's share of results within the deadline (passport 004: 30 minutes from the
 * application to the result), from applications that went through the real paths: automatic
 * registration, a staff check that verifies or refuses, a parent who withdraws, and applications
 * still waiting. Runs on PGlite and on the PostgreSQL server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { changeStatus } from '../../core/status.ts';
import { verifyApplication } from '../../core/verification.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { client, createStaff, signIn, testServer, type Client } from '../support/admin.ts';

// No August freeze during the run, whatever the date.
const policy: Policy = { ...defaultPolicy, freeze: { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } } };
const byHand: Policy = { ...policy, autoRegister: false };
const parent = { type: 'parent', id: null } as const;
const MINUTE = 60_000;

let database: Database;
let places: Places;
let admin: Client;
let district: Client;
/** A district with nothing in it: no results, no share. */
let empty: Places;

/** An application submitted `ago` minutes before now, by the bot (registered at once) or by hand. */
async function submit(ago: number, how: 'automatic' | 'by hand') {
  const at = new Date(Date.now() - ago * MINUTE);
  const input = applicationInput(places, { at, channel: how === 'automatic' ? 'bot' : 'office' });
  const { application } = await submitApplication(database.db, input, parent, how === 'automatic' ? policy : byHand, at);
  return { id: application.id, at };
}

beforeAll(async () => {
  database = await openTestDatabase();
  const app = testServer(database, policy);
  places = await createPlaces(database.db);
  empty = await createPlaces(database.db);
  const staffAccount = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  const staff = { type: 'staff', id: staffAccount.id } as const;
  const after = (t: { at: Date }, minutes: number) => new Date(t.at.getTime() + minutes * MINUTE);

  // Registered at once by the automatic checks: a result in 0 minutes.
  await submit(300, 'automatic');
  // Checked by staff 20 minutes after it came in: in time.
  const quick = await submit(240, 'by hand');
  await verifyApplication(database.db, { applicationId: quick.id, actor: staff, policy, now: after(quick, 20) });
  // Checked 45 minutes after: late.
  const slow = await submit(200, 'by hand');
  await verifyApplication(database.db, { applicationId: slow.id, actor: staff, policy, now: after(slow, 45) });
  // Refused with a reason 10 minutes after: a result in time.
  const refused = await submit(180, 'by hand');
  await changeStatus(database.db, { applicationId: refused.id, event: 'refuse', actor: staff, reason: 'documents_mismatch', policy, now: after(refused, 10) });
  // Registered at once, refused by staff an hour later: the registration was the result.
  const later = await submit(170, 'automatic');
  await changeStatus(database.db, { applicationId: later.id, event: 'refuse', actor: staff, reason: 'documents_false', policy, now: after(later, 60) });
  // Two hours without a check: late, though it has no result yet.
  await submit(120, 'by hand');
  // Five minutes old: its deadline has not passed, so it does not count yet.
  await submit(5, 'by hand');
  // Withdrawn by the parent 10 minutes after applying: no result was due.
  const withdrawn = await submit(150, 'by hand');
  await changeStatus(database.db, { applicationId: withdrawn.id, event: 'withdraw', actor: { type: 'parent', id: null }, policy, now: after(withdrawn, 10) });

  const adminAccount = await createStaff(database, ['admin']);
  admin = client(app, await signIn(app, adminAccount.login, adminAccount.password, '10.1.9.1'));
  district = client(app, await signIn(app, staffAccount.login, staffAccount.password, '10.1.9.1'));
});
afterAll(async () => {
  await database.close();
});

describe('the share of results within the 30-minute deadline', () => {
  it('counts results by the time they took, and a late application without a result as late', async () => {
    const res = await admin.get(`/api/dashboard?districtId=${places.districtId}`);
    expect(res.status, res.text).toBe(200);
    // Counted: automatic, quick, slow, refused, later, two hours waiting. In time: automatic, quick, refused, later.
    expect(res.json.deadline).toEqual({ minutes: 30, results: 6, within: 4, overdue: 1, share: 4 / 6 });
  });

  it('is the same for district staff in their district', async () => {
    const res = await district.get('/api/dashboard');
    expect(res.status, res.text).toBe(200);
    expect(res.json.deadline).toMatchObject({ results: 6, within: 4, overdue: 1 });
  });

  it('says there is no figure rather than 0% or 100% when nothing was decided', async () => {
    const res = await admin.get(`/api/dashboard?districtId=${empty.districtId}`);
    expect(res.json.deadline).toEqual({ minutes: 30, results: 0, within: 0, overdue: 0, share: null });
  });
});
