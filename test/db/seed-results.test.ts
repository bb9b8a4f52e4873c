/**
 * The demo seed's results and their timing: the audit rows the real paths write (automatic
 * registration for the bot and the portal, a staff check for the office and the centre), so
 * the dashboard's share of results within the 30-minute deadline is a real figure on demo data.
 * On its own embedded database, like seed.test.ts (the seed creates Almaty and the admin).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, localParts } from '../../core/calendar.ts';
import { holidaysOf, isWorkingDay } from '../../core/working-days.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { openDatabase, rowsOf, type Database } from '../../db/client.ts';
import { seedDemo } from '../../db/seed.ts';
import { mulberry32 } from '../../db/seed-data.ts';
import { client, createStaff, signIn, testServer } from '../support/admin.ts';
import { testLogger } from '../support/logger.ts';

const now = new Date();
const APPLICATIONS = 2000;
const MINUTE = 60_000;
let database: Database;

interface Step {
  id: number;
  channel: string;
  status: string;
  applicant_id: number;
  queue_number: number | null;
  action: string;
  actor_type: string;
  actor_id: number | null;
  at: Date | string;
}
let steps: Step[];
const byApplication = new Map<number, Step[]>();

beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  await database.migrate();
  await seedDemo(database, { logger: testLogger(), applications: APPLICATIONS, now, random: mulberry32(7) });
  steps = await rowsOf<Step>(
    database.db,
    sql`select a.id, a.channel, a.status, a.applicant_id, a.queue_number, l.action, l.actor_type, l.actor_id, l.at
        from applications a join audit_log l on l.entity = 'application' and l.entity_id = a.id
        order by a.id, l.at, l.id`,
  );
  for (const s of steps) byApplication.set(s.id, [...(byApplication.get(s.id) ?? []), s]);
});
afterAll(async () => {
  await database?.close();
});

const time = (s: Step | undefined) => (s ? new Date(s.at).getTime() : NaN);
/** The first of these actions, in time order (rows come ordered by time). */
const first = (rows: Step[], ...actions: string[]) => rows.find((r) => actions.includes(r.action));
const paper = (channel: string) => channel === 'office' || channel === 'centre';

describe('the demo seed’s results', () => {
  it('records every application’s submission, by the parent online or by an operator on paper', async () => {
    // The applications asked for, and the past year's placements besides.
    const [all] = await rowsOf<{ n: number }>(database.db, sql`select count(*)::int as n from applications`);
    expect(all!.n).toBeGreaterThan(APPLICATIONS);
    expect(byApplication.size).toBe(all!.n);
    for (const rows of byApplication.values()) {
      const submit = rows.filter((r) => r.action === 'application.submit');
      expect(submit).toHaveLength(1);
      const s = submit[0]!;
      if (paper(s.channel)) expect(s).toMatchObject({ actor_type: 'staff', actor_id: null });
      else expect(s).toMatchObject({ actor_type: 'parent', actor_id: s.applicant_id });
    }
  });

  it('takes paper applications only while the office or the public service centre is open', () => {
    const open = { office: 0, centre: 0 };
    for (const rows of byApplication.values()) {
      const s = rows[0]!;
      if (!paper(s.channel)) continue;
      const at = new Date(s.at);
      const p = localParts(at);
      const day = localDate(at);
      const minutes = p.hour * 60 + p.minute;
      if (s.channel === 'office') {
        // Mon–Fri 09:00–17:30 with lunch 13:00–14:30, not on public holidays (SPEC "Schedule").
        expect(isWorkingDay(day), `${s.id} on ${day}`).toBe(true);
        expect((minutes >= 540 && minutes < 780) || (minutes >= 870 && minutes < 1050), `${s.id} at ${p.hour}:${p.minute}`).toBe(true);
      } else {
        // Mon–Sat 09:00–20:00 without lunch.
        expect(p.weekday !== 7 && !holidaysOf(p.year).has(day), `${s.id} on ${day}`).toBe(true);
        expect(minutes >= 540 && minutes < 1200, `${s.id} at ${p.hour}:${p.minute}`).toBe(true);
      }
      open[s.channel as 'office' | 'centre']++;
    }
    expect(open.office).toBeGreaterThan(0);
    expect(open.centre).toBeGreaterThan(0);
  });

  it('registers the bot’s and the portal’s applications at once, as the automatic checks do', () => {
    for (const rows of byApplication.values()) {
      const s = rows[0]!;
      if (paper(s.channel)) continue;
      const register = rows.find((r) => r.action === 'application.register');
      expect(register, `${s.id}`).toMatchObject({ actor_type: 'system' });
      expect(time(register)).toBe(time(s));
    }
  });

  it('has staff check paper applications while the department works: verified and registered, or refused', () => {
    let late = 0;
    let checked = 0;
    for (const rows of byApplication.values()) {
      const s = rows[0]!;
      if (!paper(s.channel)) continue;
      const result = first(rows, 'application.register', 'application.refuse');
      if (s.status === 'submitted') {
        // Still waiting for its check: no result, no queue number.
        expect(result).toBeUndefined();
        expect(s.queue_number).toBeNull();
        continue;
      }
      checked++;
      expect(result, `${s.id}`).toMatchObject({ actor_type: 'staff' });
      if (result!.action === 'application.register') {
        expect(rows.find((r) => r.action === 'application.verify'), `${s.id}`).toMatchObject({ actor_type: 'staff', at: result!.at });
      }
      const at = new Date(result!.at);
      expect(time(result)).toBeGreaterThan(time(s));
      expect(isWorkingDay(localDate(at)), `${s.id} checked on ${localDate(at)}`).toBe(true);
      expect(localParts(at).hour, `${s.id}`).toBeGreaterThanOrEqual(9);
      if (time(result) - time(s) > defaultPolicy.resultDeadlineMinutes * MINUTE) late++;
    }
    // Most checks are quick; evenings, Saturdays and lunch breaks at the centres make some late.
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(checked / 2);
  });

  it('gives the dashboard a share within the deadline that the audit rows bear out', async () => {
    const app = testServer(database);
    const account = await createStaff(database, ['admin']);
    const admin = client(app, await signIn(app, account.login, account.password, '10.1.10.1'));
    const res = await admin.get('/api/dashboard');
    expect(res.status, res.text).toBe(200);

    // The same figure counted here from the rows: applications submitted in the past year, each
    // in time if its first result came within 30 minutes; late if it came later, or if none came
    // and the deadline has passed.
    const yearAgo = now.getTime() - 365 * 86_400_000;
    const deadline = defaultPolicy.resultDeadlineMinutes * MINUTE;
    let results = 0;
    let within = 0;
    for (const rows of byApplication.values()) {
      const submitted = time(rows.find((r) => r.action === 'application.submit'));
      if (submitted < yearAgo) continue;
      const result = time(first(rows, 'application.register', 'application.refuse'));
      if (!Number.isNaN(result)) {
        results++;
        if (result - submitted <= deadline) within++;
      } else if (now.getTime() - submitted > deadline) results++;
    }
    expect(results).toBeGreaterThan(50);
    expect(res.json.deadline).toMatchObject({ minutes: 30, results, within, share: within / results });
    expect(res.json.deadline.share).toBeGreaterThan(0.5);
    expect(res.json.deadline.share).toBeLessThan(1);
  });
});
