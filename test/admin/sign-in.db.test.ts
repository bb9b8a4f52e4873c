/**
 * The sign-in throttle from outside: an attacker is slowed, the owner still gets in, parallel
 * guesses are counted one by one, and X-Forwarded-For counts only from a trusted proxy.
 * Delays are shrunk by the settings; their growth with the real settings is test/core/sign-in.test.ts.
 */
import { randomInt } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';
import { SIGN_IN_LIMITS } from '../../core/sign-in.ts';
import { openTestDatabase } from '../support/db.ts';
import { createStaff, ipEnv, testServer, type TestApp } from '../support/admin.ts';

let database: Database;
let app: TestApp;
const BASE_MS = 20;
const MAX_MS = 80;

beforeAll(async () => {
  database = await openTestDatabase();
  app = testServer(database, undefined, { SIGN_IN_DELAY_BASE_MS: String(BASE_MS), SIGN_IN_DELAY_MAX_MS: String(MAX_MS) });
});
afterAll(async () => {
  await database.close();
});

const freshIp = () => `10.${randomInt(2, 250)}.${randomInt(0, 250)}.${randomInt(1, 250)}`;

function login(server: TestApp, body: { login: string; password: string }, ip: string, headers: Record<string, string> = {}) {
  return server.request(
    '/api/auth/login',
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) },
    ipEnv(ip),
  );
}

async function timed<T>(run: () => T | Promise<T>): Promise<[Awaited<T>, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

const failuresOf = (login: string) =>
  database.db
    .select({ data: auditLog.data })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'staff.login_failed'), sql`${auditLog.data}->>'login' = ${login}`))
    .orderBy(auditLog.id);

describe('an attacker guessing one login', () => {
  it('is slowed by a growing, capped delay, and the owner still signs in with the right password', async () => {
    const owner = await createStaff(database, ['admin']);
    const attacker = freshIp();
    const took: number[] = [];
    for (let i = 0; i < 30; i++) {
      const [res, ms] = await timed(() => login(app, { login: owner.login, password: `guess ${i}` }, attacker));
      expect(res.status).toBe(401);
      took.push(ms);
    }
    // Every attempt was checked (sequential guesses are never refused), each past the free ones
    // after the delay, doubling from the base up to the cap.
    const waited = (await failuresOf(owner.login)).map((r) => (r.data as { waitedMs?: number }).waitedMs ?? 0);
    const free = SIGN_IN_LIMITS.perLoginAndAddress;
    expect(waited.slice(0, free)).toEqual(Array(free).fill(0));
    expect(waited.slice(free, free + 4)).toEqual([BASE_MS, 2 * BASE_MS, MAX_MS, MAX_MS]);
    expect(waited.slice(free + 3)).toEqual(Array(30 - free - 3).fill(MAX_MS));
    const slowed = took.slice(free).reduce((a, b) => a + b, 0);
    expect(slowed).toBeGreaterThanOrEqual(waited.reduce((a, b) => a + b, 0));

    // The owner, from the attacker's own address even, gets in after one capped wait...
    const [same, sameMs] = await timed(() => login(app, owner, attacker));
    expect(same.status).toBe(200);
    expect(sameMs).toBeGreaterThanOrEqual(MAX_MS);
    // ...and from their own address at once.
    expect((await login(app, owner, freshIp())).status).toBe(200);
  });

  it('checks at most the free attempts and one more of 30 parallel wrong passwords; the rest get 429 with Retry-After', async () => {
    // A delay longer than the burst lasts, so the one slot past the free attempts stays taken.
    const slow = testServer(database, undefined, { SIGN_IN_DELAY_BASE_MS: '1500', SIGN_IN_DELAY_MAX_MS: '3000' });
    const owner = await createStaff(database, ['district_staff'], { districtIds: [1] });
    const attacker = freshIp();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login(slow, { login: owner.login, password: `guess ${i}` }, attacker)));
    const statuses = answers.map((r) => r.status);
    const checked = await failuresOf(owner.login);
    expect(checked.length).toBe(statuses.filter((s) => s === 401).length);
    expect(checked.length).toBeLessThanOrEqual(SIGN_IN_LIMITS.perLoginAndAddress + 1);
    expect(statuses.filter((s) => s === 429).length).toBe(30 - checked.length);
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3);
    const throttled = await database.db
      .select({ data: auditLog.data })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'staff.login_throttled'), sql`${auditLog.data}->>'login' = ${owner.login}`));
    expect(throttled).toHaveLength(30 - checked.length);
    expect(throttled[0]!.data).toMatchObject({ login: owner.login, ip: attacker, rule: 'login_address' });
    // The owner, elsewhere, is not kept waiting by any of it.
    expect((await login(slow, owner, freshIp())).status).toBe(200);
  });
});

describe('an attacker guessing many logins from one address', () => {
  it('does not lock out the people behind that address', async () => {
    const attacker = freshIp();
    const owner = await createStaff(database, ['auditor']);
    // The delays space the checks from one address: each is counted from the check before it,
    // which happened inside the previous request, so the time is read from that request's start.
    let lastStart = 0;
    for (let i = 0; i < 30; i++) {
      lastStart = performance.now();
      expect((await login(app, { login: `guess-${i}-${randomInt(0, 1e9)}`, password: 'x' }, attacker)).status).toBe(401);
    }
    const ownerStart = performance.now();
    const res = await login(app, owner, attacker);
    expect(res.status).toBe(200);
    // Past the address's free attempts even the owner waits the first delay there.
    expect(performance.now() - lastStart).toBeGreaterThanOrEqual(BASE_MS);
    // The next made-up login from there is slowed further.
    await login(app, { login: `guess-${randomInt(0, 1e9)}`, password: 'x' }, attacker);
    expect(performance.now() - ownerStart).toBeGreaterThanOrEqual(2 * BASE_MS);
    const other = await createStaff(database, ['auditor']);
    expect((await login(app, other, freshIp())).status).toBe(200);
  });
});

describe('an office behind one address', () => {
  it('signs in as often as it likes: only failures count against the address', async () => {
    const office = freshIp();
    const staff = await createStaff(database, ['district_staff'], { districtIds: [1] });
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress + 2; i++) expect((await login(app, staff, office)).status).toBe(200);
    const logins = await database.db
      .select({ data: auditLog.data })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'staff.login'), eq(auditLog.entityId, staff.id)));
    expect(logins).toHaveLength(SIGN_IN_LIMITS.perAddress + 2);
    expect(logins.filter((r) => (r.data as { waitedMs?: number }).waitedMs)).toEqual([]);
  });
});

describe('the client address', () => {
  const proxy = '10.250.0.1';
  const addressOfLastFailure = async (name: string) => ((await failuresOf(name)).at(-1)!.data as { ip: string }).ip;

  it('ignores X-Forwarded-For without TRUST_PROXY', async () => {
    const name = `nobody-${randomInt(0, 1e9)}`;
    await login(app, { login: name, password: 'x' }, proxy, { 'x-forwarded-for': '198.51.100.7' });
    expect(await addressOfLastFailure(name)).toBe(proxy);
  });

  it.each([['10.250.0.0/16'], ['1']])('reads X-Forwarded-For only from a trusted proxy (TRUST_PROXY=%s)', async (trust) => {
    const behind = testServer(database, undefined, { TRUST_PROXY: trust });
    const name = `nobody-${randomInt(0, 1e9)}`;
    await login(behind, { login: name, password: 'x' }, proxy, { 'x-forwarded-for': '198.51.100.7' });
    expect(await addressOfLastFailure(name)).toBe('198.51.100.7');
    // A client cannot pick its address by adding its own entry in front: the proxy appends.
    await login(behind, { login: name, password: 'x' }, proxy, { 'x-forwarded-for': '203.0.113.9, 198.51.100.8' });
    expect(await addressOfLastFailure(name)).toBe('198.51.100.8');
    if (trust !== '1') {
      // Straight from the internet, not through the proxy: the header is the client's own word.
      await login(behind, { login: name, password: 'x' }, '198.51.100.99', { 'x-forwarded-for': '203.0.113.9' });
      expect(await addressOfLastFailure(name)).toBe('198.51.100.99');
    }
  });
});
