import { PGlite } from '@electric-sql/pglite';
import { verify } from '@node-rs/argon2';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPosition } from '../../core/position.ts';
import { expectedWaitInQueue } from '../../core/expected-wait.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { parseIin } from '../../core/iin.ts';
import { ageInYears } from '../../core/applications.ts';
import { openDatabase, pgliteExtensions, rowsOf, type Database } from '../../db/client.ts';
import { staffUsers } from '../../db/schema/index.ts';
import { isEmpty, seedDemo } from '../../db/seed.ts';
import { mulberry32 } from '../../db/seed-data.ts';
import { testLogger } from '../support/logger.ts';

/**
 * The demo seed on its own embedded database (it creates Almaty and the admin, which would
 * collide with other files' data on a shared server database).
 */
const now = new Date('2026-05-15T06:00:00Z');
const APPLICATIONS = 400;
let database: Database;
let password: string;
let wasEmpty: boolean;
/** A migrated, unseeded twin of the database, for the determinism check. */
let unseeded: Database;

beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  await database.migrate();
  const dump = await database.pglite!.dumpDataDir('none');
  unseeded = await openDatabase({ pglite: await PGlite.create({ loadDataDir: dump, extensions: pgliteExtensions }) });
  wasEmpty = await isEmpty(database.db);
  const seeded = await seedDemo(database, {
    logger: testLogger(),
    applications: APPLICATIONS,
    now,
    random: mulberry32(42),
  });
  password = seeded.admin.password;
});
afterAll(async () => {
  await database?.close();
  await unseeded?.close();
});

const rows = <T>(query: ReturnType<typeof sql>) => rowsOf<T>(database.db, query);

describe('seedDemo', () => {
  it('fills an empty database with Almaty, its 8 districts, ~60 kindergartens and their groups', async () => {
    expect(wasEmpty).toBe(true);
    expect(await isEmpty(database.db)).toBe(false);
    const [counts] = await rows<{ districts: number; kindergartens: number; groups: number; bad_groups: number }>(sql`
      select (select count(*) from districts)::int as districts,
             (select count(*) from kindergartens)::int as kindergartens,
             (select count(*) from groups)::int as groups,
             (select count(*) from groups where enrolled > capacity or capacity not between 20 and 30)::int as bad_groups`);
    expect(counts).toEqual({ districts: 8, kindergartens: 60, groups: expect.any(Number), bad_groups: 0 });
    const names = await rows<{ name_ru: string }>(sql`select name_ru from districts order by name_ru`);
    expect(names.map((n) => n.name_ru)).toContain('Ауэзовский район');
    const [free] = await rows<{ free: number }>(sql`select sum(capacity - enrolled)::int as free from groups`);
    expect(free!.free).toBeGreaterThan(0);
  });

  it('makes valid, unique IINs for parents and children under 7', async () => {
    const children = await rows<{ iin: string; birth_date: string | Date }>(sql`select iin, birth_date from children`);
    const parents = await rows<{ iin: string }>(sql`select iin from applicants`);
    const [apps] = await rows<{ n: number }>(sql`select count(*)::int as n from applications`);
    expect(children).toHaveLength(apps!.n);
    expect(apps!.n).toBeGreaterThan(APPLICATIONS);
    expect(new Set(children.map((c) => c.iin)).size).toBe(children.length);
    expect(new Set(parents.map((p) => p.iin)).size).toBe(parents.length);
    for (const c of children) {
      const parsed = parseIin(c.iin);
      expect(parsed.ok).toBe(true);
      const birthDate = typeof c.birth_date === 'string' ? c.birth_date : c.birth_date.toISOString().slice(0, 10);
      if (parsed.ok) expect(parsed.value.birthDate).toBe(birthDate);
      expect(ageInYears(birthDate, '2026-05-15')).toBeLessThan(7);
    }
    for (const p of parents) {
      const parsed = parseIin(p.iin);
      expect(parsed.ok && parsed.value.birthDate >= '1975-01-01' && parsed.value.birthDate <= '2000-12-31').toBe(true);
    }
  });

  it('ranks only kindergartens of the district that teach the language', async () => {
    const [bad] = await rows<{ n: number }>(sql`
      select count(*)::int as n from applications a, unnest(a.kindergarten_ids) as k(id)
      join kindergartens g on g.id = k.id
      where g.district_id <> a.district_id or not (a.language = any(g.languages))`);
    expect(bad!.n).toBe(0);
  });

  it('numbers applications like core does and keeps queue numbers and counts consistent', async () => {
    const numbers = await rows<{ number: string }>(sql`select number from applications`);
    for (const n of numbers) expect(n.number).toMatch(/^20\d{2}-\d{7}$/);
    const [queues] = await rows<{ bad_last: number; bad_counts: number; out_of_order: number }>(sql`
      select
        (select count(*) from queues q
          where q.last_number <> coalesce((select max(queue_number) from applications a where a.queue_id = q.id), 0))::int as bad_last,
        (select count(*) from (
          select queue_id, queue_category as category, count(*) as n from applications where status = 'registered' group by 1, 2
        ) a full join (select queue_id, category, n from queue_counts where level = 0 and n <> 0) c using (queue_id, category)
          where a.n is distinct from c.n)::int as bad_counts,
        (select count(*) from applications a join applications b
          on a.queue_id = b.queue_id and a.queue_number < b.queue_number and a.registered_at > b.registered_at)::int as out_of_order`);
    expect(queues).toEqual({ bad_last: 0, bad_counts: 0, out_of_order: 0 });
    // The next number core hands out is past every seeded one, so the first real application is not refused.
    const [next] = await rows<{ taken: number }>(sql`
      select count(*)::int as taken from applications
       where split_part(number, '-', 2)::bigint >= (select last_value + 1 from application_number_seq)`);
    expect(next).toEqual({ taken: 0 });
  });

  it('has a mix of categories and statuses, and twins registered together', async () => {
    const mix = await rows<{ status: string; queue_category: number; n: number }>(sql`
      select status, queue_category, count(*)::int as n from applications group by 1, 2`);
    const n = (f: (r: (typeof mix)[number]) => boolean) => mix.filter(f).reduce((s, r) => s + r.n, 0);
    expect(n((r) => r.status === 'registered')).toBeGreaterThan(APPLICATIONS * 0.8);
    expect(n((r) => r.queue_category === 1)).toBeGreaterThan(0);
    expect(n((r) => r.status !== 'registered')).toBeGreaterThan(0);
    const twins = await rows<{ group: number; n: number; applicants: number }>(sql`
      select twin_group_id as group, count(*)::int as n, count(distinct applicant_id)::int as applicants
      from applications where twin_group_id is not null group by 1`);
    expect(twins.length).toBeGreaterThan(0);
    for (const t of twins) expect(t).toMatchObject({ n: 2, applicants: 1 });
  });

  it('has appendix 6 ratings from parents after their results, 1 to 5, for the dashboard', async () => {
    const [r] = await rows<{ n: number; bad: number; unresulted: number; early: number }>(sql`
      select count(*)::int as n,
        count(*) filter (where least(within_deadline, process, information, electronic, courtesy) < 1
                            or greatest(within_deadline, process, information, electronic, courtesy, complaints) > 5
                            or within_deadline is null)::int as bad,
        count(*) filter (where a.status not in ('registered', 'refused'))::int as unresulted,
        count(*) filter (where f.created_at < a.status_changed_at)::int as early
      from feedback f join applications a on a.id = f.application_id`);
    expect(r!.n).toBeGreaterThan(APPLICATIONS / 30);
    expect(r).toMatchObject({ bad: 0, unresulted: 0, early: 0 });
  });

  it('has a year of placements, as core writes them, so a waiting child sees an expected-wait range', async () => {
    const [r] = await rows<{ n: number; bad: number; old: number; places: number; audited: number }>(sql`
      select count(*)::int as n,
        count(*) filter (where r.status <> 'enrolled' or a.status <> 'enrolled' or g.birth_year <> a.birth_year or g.language <> a.language
                           or k.district_id <> a.district_id or not (k.id = any(a.kindergarten_ids))
                           or not (a.registered_at < r.offered_at and r.offered_at < r.issued_at and r.issued_at <= r.confirm_by
                                   and r.issued_at < r.closed_at and r.closed_at <= r.present_by and r.closed_at < ${now.toISOString()}::timestamptz)
                           or r.number !~ '^20[0-9]{2}-[0-9]{6}$')::int as bad,
        count(*) filter (where r.issued_at < ${now.toISOString()}::timestamptz - interval '13 months')::int as old,
        (select sum(places)::int from queue_places) as places,
        (select count(*)::int from audit_log l join referrals x on x.application_id = l.entity_id
          where l.entity = 'application' and l.action in ('application.offer', 'application.confirm', 'application.enrol')
            and (l.data->>'referralId')::int = x.id) as audited
      from referrals r join applications a on a.id = r.application_id join groups g on g.id = r.group_id join kindergartens k on k.id = g.kindergarten_id`);
    expect(r!.n).toBeGreaterThan(12 * 8);
    expect(r).toMatchObject({ bad: 0, old: 0, places: r!.n, audited: 3 * r!.n });
    // A child in the middle of a queue of three- to four-year-olds, the commonest age for a place.
    const [child] = await rows<{ id: number; queue_id: number }>(sql`
      select id, queue_id from applications where status = 'registered' and birth_year = 2023
      order by queue_id, registered_at limit 1`);
    const position = await getPosition(database.db, child!.id, defaultPolicy);
    const wait = await expectedWaitInQueue(database.db, child!.queue_id, position!.position, now);
    expect(wait).toMatchObject({ kind: 'range', fromMonths: expect.any(Number), toMonths: expect.any(Number) });
    expect(wait.placesLastYear).toBeGreaterThanOrEqual(12);
  });

  it('gives every waiting child a position', async () => {
    const waiting = await rows<{ id: number }>(sql`select id from applications where status = 'registered' order by id limit 20`);
    for (const w of waiting) {
      const position = await getPosition(database.db, w.id, defaultPolicy);
      expect(position?.position).toBeGreaterThanOrEqual(1);
    }
  });

  it('creates the first admin with a one-time argon2id password only', async () => {
    const staff = await database.db.select().from(staffUsers);
    expect(staff).toHaveLength(1);
    expect(staff[0]).toMatchObject({ login: 'admin', mustChangePassword: 1, roles: ['admin'] });
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(staff[0]!.passwordHash.startsWith('$argon2id$')).toBe(true);
    expect(await verify(staff[0]!.passwordHash, password)).toBe(true);
  });

  it('is deterministic for the same PRNG seed and time', async () => {
    await seedDemo(unseeded, { logger: testLogger(), applications: APPLICATIONS, now, random: mulberry32(42) });
    const fingerprint = `select md5(string_agg(a.number || c.iin || c.full_name || p.full_name || a.registered_at::text, ',' order by a.id)) as h
      from applications a join children c on c.id = a.child_id join applicants p on p.id = a.applicant_id`;
    const [mine] = await rowsOf<{ h: string }>(database.db, sql.raw(fingerprint));
    const [theirs] = await rowsOf<{ h: string }>(unseeded.db, sql.raw(fingerprint));
    expect(theirs!.h).toBe(mine!.h);
  });
});
