/** Sign-in, sessions, CSRF, throttling and the forced password change, on PGlite and PostgreSQL. */
import { createHash, randomInt } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { auditLog, staffSessions, staffUsers } from '../../db/schema/index.ts';
import { loadConfig } from '../../core/config.ts';
import { updateStaffUser } from '../../core/staff-accounts.ts';
import { SESSION_CACHE_MS, sessionFromToken } from '../../core/staff-sessions.ts';
import { panelRoutes } from '../../admin/server/panel.ts';
import { openTestDatabase } from '../support/db.ts';
import { client, createStaff, ipEnv, signIn, testServer, type TestApp } from '../support/admin.ts';

let database: Database;
let app: TestApp;
const config = loadConfig({});

beforeAll(async () => {
  database = await openTestDatabase();
  app = testServer(database);
});
afterAll(async () => {
  await database.close();
});

/** A fresh address per test: the per-IP throttle counts across the shared test database. */
const freshIp = () => `10.${randomInt(2, 250)}.${randomInt(0, 250)}.${randomInt(1, 250)}`;

function login(body: unknown, ip: string, headers: Record<string, string> = {}) {
  return app.request(
    '/api/auth/login',
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) },
    ipEnv(ip),
  );
}

describe('login', () => {
  it('sets an httpOnly SameSite=Strict session cookie and stores only the token hash', async () => {
    const staff = await createStaff(database, ['auditor']);
    const res = await login({ login: staff.login.toUpperCase(), password: staff.password }, freshIp());
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^bq_session=[\w-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    // A session cookie: it ends when the browser closes (shared desk computers).
    expect(cookie).not.toMatch(/Expires|Max-Age/i);
    const body = (await res.json()) as { csrfToken: string; permissions: string[]; roles: string[] };
    expect(body.roles).toEqual(['auditor']);
    expect(body.permissions).toContain('audit.read');
    expect(body.permissions).not.toContain('applications.refuse');
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const [session] = await database.db.select().from(staffSessions).where(eq(staffSessions.userId, staff.id));
    expect(session!.id).toBe(createHash('sha256').update(token).digest('hex'));
    expect(session!.id).not.toContain(token);
    // A working day at most (STAFF_SESSION_MAX_HOURS, 9 by default).
    expect(session!.expiresAt.getTime() - session!.createdAt.getTime()).toBe(9 * 3_600_000);
  });

  it('uses a __Host- Secure cookie behind https', async () => {
    const secureApp = testServer(database, undefined, { PUBLIC_URL: 'https://balabaqsha.example.kz' });
    const staff = await createStaff(database, ['auditor']);
    const res = await secureApp.request(
      '/api/auth/login',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: staff.login, password: staff.password }) },
      ipEnv(freshIp()),
    );
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-bq_session=.*; Secure/);
  });

  it('refuses wrong passwords, unknown logins and inactive accounts the same way, and logs the failures', async () => {
    const staff = await createStaff(database, ['auditor']);
    const ip = freshIp();
    const wrong = await login({ login: staff.login, password: 'not the password' }, ip);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_credentials' });
    const unknown = await login({ login: `nobody-${randomInt(0, 1e9)}`, password: 'x' }, ip);
    expect(unknown.status).toBe(401);
    await database.db.update(staffUsers).set({ active: 0 }).where(eq(staffUsers.id, staff.id));
    expect((await login({ login: staff.login, password: staff.password }, ip)).status).toBe(401);
    const failures = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'staff.login_failed'), eq(auditLog.entityId, staff.id)));
    expect(failures).toHaveLength(2);
    expect(failures[0]!.data).toEqual({ login: staff.login, ip });
  });

  it('accepts only JSON from our own origin (login CSRF)', async () => {
    const staff = await createStaff(database, ['auditor']);
    const foreign = await login({ login: staff.login, password: staff.password }, freshIp(), { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const form = await app.request(
      '/api/auth/login',
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `login=${staff.login}&password=x` },
      ipEnv(freshIp()),
    );
    expect(form.status).toBe(403);
    const own = await login({ login: staff.login, password: staff.password }, freshIp(), { origin: 'http://localhost' });
    expect(own.status).toBe(200);
  });
});

describe('sessions', () => {
  it('needs the CSRF token and our origin for every change', async () => {
    const staff = await createStaff(database, ['admin']);
    const session = await signIn(app, staff.login, staff.password, freshIp());
    const post = (headers: Record<string, string>) =>
      app.request('/api/auth/logout', { method: 'POST', headers: { cookie: session.cookie, ...headers } });
    expect((await post({})).status).toBe(403);
    expect((await post({ 'x-csrf-token': 'forged' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': session.csrf, origin: 'https://evil.example' })).status).toBe(403);
    // Reads need no token.
    expect((await app.request('/api/auth/me', { headers: { cookie: session.cookie } })).status).toBe(200);
    expect((await post({ 'x-csrf-token': session.csrf, origin: 'http://localhost' })).status).toBe(200);
  });

  it('logs out by deleting the session', async () => {
    const staff = await createStaff(database, ['admin']);
    const session = await signIn(app, staff.login, staff.password, freshIp());
    const c = client(app, session);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    const out = await c.post('/api/auth/logout');
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/bq_session=;.*Max-Age=0/);
    expect(await database.db.select().from(staffSessions).where(eq(staffSessions.userId, staff.id))).toEqual([]);
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  it('forgets a session at once when it ends here, and within SESSION_CACHE_MS when another server ends it', async () => {
    const admin = await createStaff(database, ['admin']);
    const staff = await createStaff(database, ['admin']);
    const session = await signIn(app, staff.login, staff.password, freshIp());
    const c = client(app, session);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    await updateStaffUser(database.db, staff.id, { active: false }, { type: 'staff', id: admin.id });
    expect((await c.get('/api/auth/me')).status).toBe(401);

    const other = await createStaff(database, ['admin']);
    const second = await signIn(app, other.login, other.password, freshIp());
    expect((await client(app, second).get('/api/auth/me')).status).toBe(200);
    // Another instance logs it out: this one trusts its lookup for at most SESSION_CACHE_MS.
    await database.db.delete(staffSessions).where(eq(staffSessions.userId, other.id));
    const token = second.cookie.split('=')[1]!;
    expect(await sessionFromToken(database.db, token, config)).not.toBeNull();
    expect(await sessionFromToken(database.db, token, config, new Date(Date.now() + SESSION_CACHE_MS + 1))).toBeNull();
    expect((await client(app, second).get('/api/auth/me')).status).toBe(401);
  });

  it('ends expired sessions and ignores made-up cookies', async () => {
    const staff = await createStaff(database, ['admin']);
    const session = await signIn(app, staff.login, staff.password, freshIp());
    await database.db.update(staffSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(staffSessions.userId, staff.id));
    expect((await client(app, session).get('/api/auth/me')).status).toBe(401);
    expect((await client(app, { ...session, cookie: 'bq_session=abc' }).get('/api/auth/me')).status).toBe(401);
  });

  it('ends a session after STAFF_SESSION_IDLE_MINUTES without a request, and keeps a used one alive', async () => {
    const staff = await createStaff(database, ['admin']);
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    const used = await signIn(app, staff.login, staff.password, freshIp());
    await database.db.update(staffSessions).set({ lastSeenAt: minutesAgo(29) }).where(eq(staffSessions.userId, staff.id));
    expect((await client(app, used).get('/api/auth/me')).status).toBe(200);
    // The request counted as activity: the idle clock starts again.
    const [seen] = await database.db.select().from(staffSessions).where(eq(staffSessions.userId, staff.id));
    expect(Date.now() - seen!.lastSeenAt.getTime()).toBeLessThan(60_000);

    const idle = await signIn(app, staff.login, staff.password, freshIp());
    const idleId = createHash('sha256').update(idle.cookie.split('=')[1]!).digest('hex');
    await database.db.update(staffSessions).set({ lastSeenAt: minutesAgo(31) }).where(eq(staffSessions.id, idleId));
    expect((await client(app, idle).get('/api/auth/me')).status).toBe(401);
  });

  it('ends a session STAFF_SESSION_MAX_HOURS after sign-in however busy it is', async () => {
    const staff = await createStaff(database, ['admin']);
    const session = await signIn(app, staff.login, staff.password, freshIp());
    const c = client(app, session);
    const id = createHash('sha256').update(session.cookie.split('=')[1]!).digest('hex');
    // Opened 9 h 1 min ago with the 12 hours the service used to give, and used a minute ago.
    const createdAt = new Date(Date.now() - (9 * 60 + 1) * 60_000);
    await database.db
      .update(staffSessions)
      .set({ createdAt, expiresAt: new Date(createdAt.getTime() + 12 * 3_600_000), lastSeenAt: new Date(Date.now() - 60_000) })
      .where(eq(staffSessions.id, id));
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });
});

describe('the forced password change at first login', () => {
  it('allows nothing but /me, /password and /logout until the one-time password is changed', async () => {
    const staff = await createStaff(database, ['admin'], { mustChangePassword: true });
    const first = await signIn(app, staff.login, staff.password, freshIp());
    expect(first.user.mustChangePassword).toBe(true);
    const other = await signIn(app, staff.login, staff.password, freshIp());
    const c = client(app, first);
    expect((await c.get('/api/applications')).json).toEqual({ error: 'password_change_required' });
    expect((await c.get('/api/auth/me')).status).toBe(200);
    expect((await c.post('/api/auth/password', { current: 'wrong', next: 'a much longer secret 1' })).json.fields).toEqual([
      { field: 'current', code: 'password_wrong' },
    ]);
    expect((await c.post('/api/auth/password', { current: staff.password, next: 'short' })).json.fields).toEqual([
      { field: 'next', code: 'password_too_short', params: { count: 12 } },
    ]);
    expect((await c.post('/api/auth/password', { current: staff.password, next: `x${staff.login}x-long-enough` })).json.fields).toEqual([
      { field: 'next', code: 'password_contains_login' },
    ]);
    const changed = await c.post('/api/auth/password', { current: staff.password, next: 'Алатау таулары 2026!' });
    expect(changed.status).toBe(200);
    expect((await c.get('/api/auth/me')).json.mustChangePassword).toBe(false);
    expect((await c.get('/api/applications')).status).toBe(200);
    // The other session (maybe someone who saw the one-time password) is gone.
    expect((await client(app, other).get('/api/auth/me')).status).toBe(401);
    const [user] = await database.db.select().from(staffUsers).where(eq(staffUsers.id, staff.id));
    expect(user!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await signIn(app, staff.login, 'Алатау таулары 2026!', freshIp());
  });
});

describe('security headers', () => {
  it('on every /api answer: nosniff, a CSP that loads nothing and forbids framing, no HSTS over http', async () => {
    for (const res of [await app.request('/api/auth/me'), await login({ login: 'nobody', password: 'x' }, freshIp()), await app.request('/api/nothing-here')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('HSTS when PUBLIC_URL is https, on the API, /verify and the panel', async () => {
    const secureApp = testServer(database, undefined, { PUBLIC_URL: 'https://balabaqsha.example.kz' });
    for (const path of ['/api/auth/me', '/verify/0123456789abcdef0123456789abcdef', '/admin/', '/health']) {
      expect((await secureApp.request(path)).headers.get('strict-transport-security'), path).toBe('max-age=31536000');
    }
  });

  it('the panel: its own CSP, which lets MUI inject styles but runs only our scripts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'panel-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>panel</title>');
    const panel = new Hono().route('/', panelRoutes(loadConfig({}), dir));
    const res = await panel.request('/admin/');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  });
});
