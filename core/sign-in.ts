/**
 * Staff sign-in: the password check and the throttle in front of it.
 *
 * Failed attempts slow whoever makes them without locking the owner out. Three counters, each
 * a row of sign_in_throttle, forgiven after SIGN_IN_LIMITS.windowMinutes without an attempt:
 *  - a login from one address: 5 free attempts, then one check at a time, each after a growing
 *    delay; an attempt that arrives while the previous one still waits gets 429 (Retry-After).
 *  - one address, any login: 30 free attempts, then the same.
 *  - a login from anywhere: 20 free attempts, then every check waits the delay, but none is
 *    refused: a stranger guessing from elsewhere makes the owner wait seconds, never hours.
 * A right password clears the first and the third counters and takes back its own count from
 * the second, so only failures add up. The owner signing in from their
 * own address therefore never meets the attacker's counters but the third, which only delays;
 * behind a shared address (an office NAT, or a proxy when TRUST_PROXY is not set) they share
 * the second one, and get in after a delay of at most SIGN_IN_DELAY_MAX_MS once the attacker
 * pauses. The rows are claimed under their lock before the password is checked, so parallel
 * attempts are counted one by one on the server as they are in a single process.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { signInThrottle, staffSessions, staffUsers } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import type { Config } from './config.ts';
import { hashPassword, oneTimePassword, verifyPassword } from './password-hashing.ts';
import { normalizeLogin, publicUser, type StaffPrincipal } from './staff-accounts.ts';
import { sessionIdOf } from './staff-sessions.ts';

export const SIGN_IN_LIMITS = {
  windowMinutes: 15,
  /** Free attempts for one login from one address. */
  perLoginAndAddress: 5,
  /** Free attempts from one address, whatever the login. */
  perAddress: 30,
  /** Free attempts for one login from every address together (past them: a delay only). */
  perLogin: 20,
} as const;

export type SignInSettings = Pick<Config, 'SIGN_IN_DELAY_BASE_MS' | 'SIGN_IN_DELAY_MAX_MS' | 'STAFF_SESSION_MAX_HOURS'>;

/** The wait before the `excess`-th attempt past the free ones is checked: doubling, capped. */
export function signInDelayMs(excess: number, settings: Pick<SignInSettings, 'SIGN_IN_DELAY_BASE_MS' | 'SIGN_IN_DELAY_MAX_MS'>): number {
  if (excess <= 0) return 0;
  return Math.min(settings.SIGN_IN_DELAY_MAX_MS, settings.SIGN_IN_DELAY_BASE_MS * 2 ** Math.min(excess - 1, 30));
}

type Rule = { key: string; free: number; oneAtATime: boolean; name: 'login_address' | 'address' | 'login' };

function rulesFor(login: string, ip: string): Rule[] {
  return [
    // The address has no spaces, so the login after it cannot make two keys meet.
    { key: `login-address:${ip} ${login}`, free: SIGN_IN_LIMITS.perLoginAndAddress, oneAtATime: true, name: 'login_address' },
    { key: `address:${ip}`, free: SIGN_IN_LIMITS.perAddress, oneAtATime: true, name: 'address' },
    { key: `login:${login}`, free: SIGN_IN_LIMITS.perLogin, oneAtATime: false, name: 'login' },
  ];
}

type Claim = { ok: true; waitMs: number } | { ok: false; retryAfterMs: number; rule: Rule['name'] };

/**
 * Counts this attempt against every rule, or refuses it without counting: one transaction
 * holding the rules' rows, so two attempts never read the same count.
 */
async function claim(db: Queryable, rules: Rule[], now: Date, settings: SignInSettings): Promise<Claim> {
  const windowStart = now.getTime() - SIGN_IN_LIMITS.windowMinutes * 60_000;
  const keys = rules.map((r) => r.key).sort();
  return db.transaction(async (tx) => {
    await tx
      .insert(signInThrottle)
      .values(keys.map((key) => ({ key, attempts: 0, nextAt: now, lastAt: now })))
      .onConflictDoNothing();
    const rows = await tx.select().from(signInThrottle).where(inArray(signInThrottle.key, keys)).orderBy(signInThrottle.key).for('update');
    const plan = rules.map((rule) => {
      const row = rows.find((r) => r.key === rule.key)!;
      const fresh = row.lastAt.getTime() < windowStart;
      const attempt = (fresh ? 0 : row.attempts) + 1;
      const busyUntil = fresh ? 0 : row.nextAt.getTime();
      return { rule, attempt, busyUntil, waitMs: signInDelayMs(attempt - rule.free, settings) };
    });
    const blocked = plan.find((p) => p.rule.oneAtATime && p.waitMs > 0 && p.busyUntil > now.getTime());
    if (blocked) return { ok: false, retryAfterMs: blocked.busyUntil - now.getTime(), rule: blocked.rule.name } as const;
    const waitMs = Math.max(...plan.map((p) => p.waitMs));
    for (const p of plan) {
      const nextAt = p.rule.oneAtATime && p.waitMs > 0 ? new Date(now.getTime() + waitMs) : now;
      await tx.update(signInThrottle).set({ attempts: p.attempt, nextAt, lastAt: now }).where(eq(signInThrottle.key, p.rule.key));
    }
    return { ok: true, waitMs } as const;
  });
}

export type LoginResult =
  | { ok: true; token: string; csrfToken: string; expiresAt: Date; user: StaffPrincipal }
  | { ok: false; code: 'invalid_credentials' }
  | { ok: false; code: 'rate_limited'; retryAfterSeconds: number };

// Verifying against a real hash when the login is unknown keeps the answer time the same.
let dummyHash: Promise<string> | null = null;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Checks a login and password behind the throttle and opens a session. Every outcome is an
 * audit row: staff.login, staff.login_failed, or staff.login_throttled when refused unchecked.
 */
export async function login(
  db: Queryable,
  input: { login: string; password: string; ip: string; now?: Date },
  settings: SignInSettings,
): Promise<LoginResult> {
  const now = input.now ?? new Date();
  const loginName = normalizeLogin(input.login).slice(0, 64);
  const rules = rulesFor(loginName, input.ip);
  const claimed = await claim(db, rules, now, settings);
  if (!claimed.ok) {
    const retryAfterSeconds = Math.max(1, Math.ceil(claimed.retryAfterMs / 1000));
    await audit(db, { type: 'system' }, {
      action: 'staff.login_throttled',
      entity: 'staff_user',
      entityId: null,
      data: { login: loginName, ip: input.ip, rule: claimed.rule, retryAfterSeconds },
      at: now,
    });
    return { ok: false, code: 'rate_limited', retryAfterSeconds };
  }
  if (claimed.waitMs > 0) await sleep(claimed.waitMs);
  const waited = claimed.waitMs > 0 ? { waitedMs: claimed.waitMs } : {};

  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.login, loginName));
  const valid = user
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyPassword(await (dummyHash ??= hashPassword(oneTimePassword())), input.password).then(() => false);
  if (!user || !valid || user.active !== 1) {
    await audit(db, user ? { type: 'staff', id: user.id } : { type: 'system' }, {
      action: 'staff.login_failed',
      entity: 'staff_user',
      entityId: user?.id ?? null,
      data: { login: loginName, ip: input.ip, ...waited },
      at: now,
    });
    return { ok: false, code: 'invalid_credentials' };
  }
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + settings.STAFF_SESSION_MAX_HOURS * 3_600_000);
  const windowStart = new Date(now.getTime() - SIGN_IN_LIMITS.windowMinutes * 60_000);
  await db.transaction(async (tx) => {
    await tx.delete(staffSessions).where(and(eq(staffSessions.userId, user.id), lt(staffSessions.expiresAt, now)));
    await tx.insert(staffSessions).values({ id: sessionIdOf(token), userId: user.id, csrfToken, createdAt: now, lastSeenAt: now, expiresAt });
    // The owner proved the password: their login's counters start again. The address only
    // gets this attempt back (an office signing in counts nothing), never its failures, or one
    // valid account would reset an address's budget for guessing others. Rows left from old
    // attempts go too, so the table holds only the current window.
    await tx
      .delete(signInThrottle)
      .where(sql`${inArray(signInThrottle.key, [rules[0]!.key, rules[2]!.key])} or ${lt(signInThrottle.lastAt, windowStart)}`);
    await tx
      .update(signInThrottle)
      .set({ attempts: sql`greatest(${signInThrottle.attempts} - 1, 0)` })
      .where(eq(signInThrottle.key, rules[1]!.key));
    await audit(tx, { type: 'staff', id: user.id }, {
      action: 'staff.login',
      entity: 'staff_user',
      entityId: user.id,
      data: { ip: input.ip, ...waited },
      at: now,
    });
  });
  return { ok: true, token, csrfToken, expiresAt, user: publicUser(user) };
}
