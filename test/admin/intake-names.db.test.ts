/**
 * The panel's intake holds names to the same rule as the bot (core/person-name.ts): a name of
 * digits or symbols is a 400 with a field error, never stored. Runs on PGlite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { client, createStaff, signIn, testServer, type Client } from '../support/admin.ts';

const policy: Policy = { ...defaultPolicy, freeze: { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } } };
const year = new Date().getUTCFullYear() - 3;

let database: Database;
let places: Places;
let staff: Client;

beforeAll(async () => {
  database = await openTestDatabase();
  const app = testServer(database, policy);
  places = await createPlaces(database.db);
  const account = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  staff = client(app, await signIn(app, account.login, account.password));
});
afterAll(async () => {
  await database.close();
});

function intake(childName: string, applicantName = 'Сейітова Айгүл Маратқызы') {
  const input = applicationInput(places, { childYear: year });
  const { consentAt: _c, telegramUserId: _t, ...applicant } = input.applicant;
  return staff.post('/api/applications', {
    ...input,
    applicant: { ...applicant, fullName: applicantName },
    child: { ...input.child, fullName: childName },
    channel: 'office',
    consent: true,
  });
}

describe('names at the intake desk', () => {
  it.each([
    ['1', { field: 'child.fullName', code: 'text_too_short', params: { count: 3 } }],
    ['Айдана 2', { field: 'child.fullName', code: 'name_invalid' }],
    ['Айдана @', { field: 'child.fullName', code: 'name_symbols', params: { chars: '@' } }],
    ['-Айдана', { field: 'child.fullName', code: 'name_start' }],
  ])('the child named %j is refused with a field error', async (name, error) => {
    const res = await intake(name);
    expect(res.status, res.text).toBe(400);
    expect(res.json.fields).toEqual([error]);
  });

  it('the applicant is held to the same rule, and a real name passes', async () => {
    const bad = await intake('Жұмабек Алтынай Серікқызы', '123');
    expect(bad.status).toBe(400);
    expect(bad.json.fields).toEqual([{ field: 'applicant.fullName', code: 'name_invalid' }]);
    const good = await intake('Жұмабек Алтынай Серікқызы');
    expect(good.status, good.text).toBe(201);
  });
});
