/**
 * The session token travels only in an httpOnly, SameSite=Strict cookie and is stored hashed.
 * Changes need the CSRF token (from /api/auth/login and /me, which other sites cannot read) and,
 * when the browser sends an Origin, our own origin.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { login } from '../../core/sign-in.ts';
import { permissionsOf } from '../../core/permissions.ts';
import { changeOwnPassword } from '../../core/staff-accounts.ts';
import { logout, sessionFromToken, type StaffSession } from '../../core/staff-sessions.ts';
import { clientAddress } from './client-address.ts';
import { parseBody, readJson, type ApiDeps, type ApiEnv, type ApiContext } from './context.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Paths a user who must change the one-time password may still use. */
const BEFORE_PASSWORD_CHANGE = new Set(['/api/auth/me', '/api/auth/password', '/api/auth/logout']);

export function cookieName(deps: ApiDeps): string {
  // __Host- cookies must be Secure, path /, without Domain: a subdomain cannot plant one.
  return secure(deps) ? '__Host-bq_session' : 'bq_session';
}

function secure(deps: ApiDeps): boolean {
  return deps.config.PUBLIC_URL?.startsWith('https:') ?? false;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function originAllowed(c: ApiContext, deps: ApiDeps): boolean {
  const origin = c.req.header('origin');
  if (!origin) return true;
  const own = new URL(c.req.url).origin;
  const pub = deps.config.PUBLIC_URL ? new URL(deps.config.PUBLIC_URL).origin : null;
  return origin === own || origin === pub;
}

export function requireSession(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const token = getCookie(c, cookieName(deps));
    const session = token ? await sessionFromToken(deps.database.db, token, deps.config) : null;
    if (!session) return c.json({ error: 'unauthenticated' }, 401);
    if (!SAFE_METHODS.has(c.req.method)) {
      const sent = c.req.header('x-csrf-token') ?? '';
      if (!originAllowed(c, deps) || !sameToken(sent, session.csrfToken)) return c.json({ error: 'csrf' }, 403);
    }
    if (session.user.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(c.req.path)) {
      return c.json({ error: 'password_change_required' }, 403);
    }
    c.set('session', session);
    await next();
  };
}

function me(session: StaffSession) {
  const { user } = session;
  return {
    id: user.id,
    login: user.login,
    fullName: user.fullName,
    roles: user.roles,
    districtIds: user.districtIds,
    language: user.language,
    mustChangePassword: user.mustChangePassword === 1,
    permissions: permissionsOf(user),
    csrfToken: session.csrfToken,
  };
}

const loginSchema = z.object({ login: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) });
const passwordSchema = z.object({ current: z.string().min(1).max(200), next: z.string().min(1).max(200) });

export function authRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  return new Hono<ApiEnv>()
    .post('/login', async (c) => {
      // No session yet, so no CSRF token: a JSON body (which forces a CORS preflight from other
      // sites) and our own Origin stand in for it.
      if (!originAllowed(c, deps) || !c.req.header('content-type')?.startsWith('application/json')) {
        return c.json({ error: 'csrf' }, 403);
      }
      const input = parseBody(loginSchema, await readJson(c));
      const result = await login(db, { ...input, ip: clientAddress(c, deps.config) }, deps.config);
      if (!result.ok) {
        if (result.code === 'rate_limited') {
          c.header('Retry-After', String(result.retryAfterSeconds));
          return c.json({ error: 'rate_limited', message: 'admin.auth.rateLimited' }, 429);
        }
        return c.json({ error: 'invalid_credentials', message: 'admin.auth.invalidCredentials' }, 401);
      }
      setCookie(c, cookieName(deps), result.token, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: secure(deps),
        path: '/',
        // No Expires or Max-Age: the cookie ends with the browser (shared desk computers).
      });
      return c.json(me({ id: '', csrfToken: result.csrfToken, expiresAt: result.expiresAt, lastSeenAt: new Date(), user: result.user }));
    })
    .use('*', requireSession(deps))
    .get('/me', (c) => c.json(me(c.get('session'))))
    .post('/password', async (c) => {
      const input = parseBody(passwordSchema, await readJson(c));
      const session = c.get('session');
      await changeOwnPassword(db, { userId: session.user.id, sessionId: session.id, current: input.current, next: input.next });
      return c.json({ ok: true });
    })
    .post('/logout', async (c) => {
      await logout(db, c.get('session'));
      deleteCookie(c, cookieName(deps), { path: '/', secure: secure(deps) });
      return c.json({ ok: true });
    });
}
