/**
 * The expected wait on the panel's application page (GET /api/applications/:id): "not enough
 * data" for a queue without a year of places, a range of months once it has one, nothing for
 * an application that is not waiting. Runs on PGlite and on the real PostgreSQL server.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { groups, referrals } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { changeStatus } from '../../core/status.ts';
import { createI18n } from '../../locales/index.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { client, createStaff, signIn, testServer, type Client } from '../support/admin.ts';

const year = new Date().getUTCFullYear() - 3;
const parent = { type: 'parent', id: null } as const;
let database: Database;
let places: Places;
let staff: Client;

beforeAll(async () => {
  database = await openTestDatabase();
  places = await createPlaces(database.db);
  const app = testServer(database);
  const account = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  staff = client(app, await signIn(app, account.login, account.password, '10.6.0.1'));
});
afterAll(async () => {
  await database.close();
});

const register = async () =>
  (await submitApplication(database.db, applicationInput(places, { childYear: year, language: 'kk', kindergartenIds: [places.kindergartenIds[0]!] }), parent, defaultPolicy))
    .application;

describe('expected wait on the application page', () => {
  it('says "not enough data", then a range from the queue’s places of the past year', async () => {
    // The first child got a place long ago; five more wait, ours is the sixth.
    const placed = await register();
    const waiting = [];
    for (let i = 0; i < 6; i++) waiting.push(await register());
    const ours = waiting.at(-1)!;
    await changeStatus(database.db, { applicationId: placed.id, event: 'withdraw', actor: parent, reason: 'parent_request', policy: defaultPolicy });

    const before = await staff.get(`/api/applications/${ours.id}`);
    expect(before.status).toBe(200);
    expect(before.json.position.position).toBe(6);
    expect(before.json.expectedWait).toEqual({ kind: 'insufficient', placesLastYear: 0 });

    // Referrals issued in this queue in each of the twelve months before this one: 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4.
    const [group] = await database.db
      .select()
      .from(groups)
      .where(and(eq(groups.kindergartenId, places.kindergartenIds[0]!), eq(groups.birthYear, year), eq(groups.language, 'kk')));
    const now = new Date();
    const perMonth = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4];
    const rows = perMonth.flatMap((n, k) => {
      const issuedAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (k + 1), 15, 6));
      return Array.from({ length: n }, () => ({
        applicationId: placed.id,
        groupId: group!.id,
        status: 'enrolled' as const,
        offeredAt: issuedAt,
        confirmBy: issuedAt,
        issuedAt,
        closedAt: issuedAt,
      }));
    });
    await database.db.insert(referrals).values(rows);

    const after = await staff.get(`/api/applications/${ours.id}`);
    // Slow month (25th percentile) 1.75 places, busy month (75th) 3.25: position 6 → 2 to 4 months.
    expect(after.json.expectedWait).toEqual({ kind: 'range', fromMonths: 2, toMonths: 4, placesLastYear: 30 });

    // What the panel shows, in both languages.
    const i18n = await createI18n();
    const w = after.json.expectedWait;
    expect(i18n.getFixedT('ru')('admin.applications.waitRange', { from: w.fromMonths, to: w.toMonths, places: w.placesLastYear })).toBe(
      'вероятно, через 2–4 мес. (мест в этой очереди за последний год: 30)',
    );
    expect(i18n.getFixedT('kk')('admin.applications.waitRange', { from: w.fromMonths, to: w.toMonths, places: w.placesLastYear })).toBe(
      'шамамен 2–4 айдан кейін (осы кезекте соңғы бір жылда берілген орын: 30)',
    );

    // Not waiting: no estimate.
    const gone = await staff.get(`/api/applications/${placed.id}`);
    expect(gone.json.position).toBeNull();
    expect(gone.json.expectedWait).toBeNull();
  });
});
