/**
 * The applications export: every row of the filtered list (the list shows 100 a page at most),
 * in the staff member's language and Almaty time, the user's districts only, IINs masked for
 * roles that may not see them, and an audit row with the filter used.
 */
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { formatDateTime } from '../../core/format.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { client, createStaff, signIn, testServer, type Client } from '../support/admin.ts';

const parent = { type: 'parent', id: null } as const;
const IN_A = 105;
const IN_B = 4;

let database: Database;
let districtA: Places;
let districtB: Places;
let staffA: Client;
let staffAId: number;
let auditor: Client;
const iins = new Map<string, { iin: string; registeredAt: Date }>();

beforeAll(async () => {
  database = await openTestDatabase();
  districtA = await createPlaces(database.db);
  districtB = await createPlaces(database.db);
  for (const [places, n] of [[districtA, IN_A], [districtB, IN_B]] as const) {
    for (let i = 0; i < n; i++) {
      const input = applicationInput(places);
      const { application } = await submitApplication(database.db, input, parent, defaultPolicy);
      iins.set(application.number, { iin: input.child.iin, registeredAt: application.registeredAt });
    }
  }
  const app = testServer(database);
  const a = await createStaff(database, ['district_staff'], { districtIds: [districtA.districtId] });
  const au = await createStaff(database, ['auditor']);
  staffAId = a.id;
  staffA = client(app, await signIn(app, a.login, a.password));
  auditor = client(app, await signIn(app, au.login, au.password));
}, 120_000);
afterAll(async () => {
  await database.close();
});

const q = (o: Record<string, unknown>) => `filter=${encodeURIComponent(JSON.stringify(o))}`;

/** The CSV as rows of cells (every cell is quoted; the test data has no quotes or semicolons). */
function rowsOf(text: string): string[][] {
  // Response.text() drops the byte order mark the server writes for spreadsheet programs.
  return text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean)
    .map((line) => line.slice(1, -1).split('";"'));
}

async function listTotal(c: Client, filter: Record<string, unknown>): Promise<number> {
  const res = await c.get(`/api/applications?${q(filter)}&range=[0,24]`);
  expect(res.status).toBe(200);
  return Number(res.headers.get('content-range')!.split('/')[1]);
}

describe('GET /api/applications/export', () => {
  it("gives district staff every row of their district's list, translated, in Almaty time, with whole IINs", async () => {
    const filter = { status: 'registered', districtId: districtA.districtId };
    const res = await staffA.get(`/api/applications/export?${q(filter)}&lang=ru`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const [header, ...rows] = rowsOf(res.text);
    expect(rows.length).toBe(await listTotal(staffA, filter));
    expect(rows.length).toBe(IN_A);
    expect(header!.slice(0, 3)).toEqual(['Номер', 'Ребёнок', 'ИИН ребёнка']);
    const status = header!.indexOf('Статус');
    const channel = header!.indexOf('Канал');
    const registered = header!.indexOf('Дата подачи');
    for (const row of rows) {
      const known = iins.get(row[0]!);
      expect(known, row[0]).toBeDefined();
      expect(row[2]).toBe(known!.iin);
      expect(row[status]).toBe('В очереди');
      expect(row[channel]).toBe('Telegram-бот');
      expect(row[registered]).toBe(formatDateTime(known!.registeredAt));
    }
    const [audited] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'application.export'), eq(auditLog.actorId, staffAId)))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(audited?.data).toMatchObject({ filter, rows: IN_A, iinMasked: false, language: 'ru' });
  });

  it("writes Kazakh headers and values, and gives nothing of another district, whatever the filter says", async () => {
    const [header, ...rows] = rowsOf((await staffA.get(`/api/applications/export?${q({ status: 'registered' })}&lang=kk`)).text);
    expect(header![0]).toBe('Нөмірі');
    expect(rows.length).toBe(IN_A);
    expect(rows.every((r) => r.includes('Кезекте'))).toBe(true);
    const other = rowsOf((await staffA.get(`/api/applications/export?${q({ districtId: districtB.districtId })}`)).text);
    expect(other.length).toBe(1);
    expect(await listTotal(staffA, { districtId: districtB.districtId })).toBe(0);
  });

  it('masks the IINs for an auditor, who reads every district', async () => {
    const filter = { districtId: [districtA.districtId, districtB.districtId] };
    const [, ...rows] = rowsOf((await auditor.get(`/api/applications/export?${q(filter)}`)).text);
    expect(rows.length).toBe(IN_A + IN_B);
    expect(rows.length).toBe(await listTotal(auditor, filter));
    for (const row of rows) expect(row[2]).toBe(`••••••••${iins.get(row[0]!)!.iin.slice(-4)}`);
  });

  it('masks them in the list too, in queue order and in any other; district staff see them whole', async () => {
    const queue = q({ districtId: districtA.districtId, status: 'registered' });
    // In queue order the list is read by a database function; in another order, by a query.
    for (const query of [queue, `${queue}&sort=${encodeURIComponent('["id","DESC"]')}`]) {
      const res = await auditor.get(`/api/applications?${query}&range=${encodeURIComponent('[0,9]')}`);
      expect(res.status, res.text).toBe(200);
      const rows = res.json as { number: string; childIin: string }[];
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.childIin).toBe(`••••••••${iins.get(row.number)!.iin.slice(-4)}`);
    }
    const own = (await staffA.get(`/api/applications?${q({ districtId: districtA.districtId, status: 'registered' })}`)).json as { number: string; childIin: string }[];
    expect(own.length).toBeGreaterThan(0);
    for (const row of own) expect(row.childIin).toBe(iins.get(row.number)!.iin);
  });
});
