/**
 * Failures slow whoever makes them without locking the owner out: a login from anywhere is only
 * ever delayed, never refused. Success clears only its login's counters, so one valid account
 * cannot reset an address's budget for guessing others.
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
  perLoginAndAddress: 5,
  perAddress: 30,
  /** Past them: a delay only. */
  perLogin: 20,
} as const;

export type SignInSettings = Pick<Config, 'SIGN_IN_DELAY_BASE_MS' | 'SIGN_IN_DELAY_MAX_MS' | 'STAFF_SESSION_MAX_HOURS'>;

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

/** Every outcome is an audit row, including throttled attempts refused unchecked. */
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
    // An address gets only this attempt back, never its failures, or one valid account would
    // reset the address's guessing budget. Old rows go too.
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
