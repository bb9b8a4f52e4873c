/**
 * Signed-in staff: the session behind a cookie token, its lifetime, and logging out. Signing in,
 * and its throttle, is core/sign-in.ts.
 */
import { createHash } from 'node:crypto';
import { and, eq, getTableColumns, gt, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { staffSessions, staffUsers } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import type { Config } from './config.ts';
import type { StaffPrincipal } from './staff-accounts.ts';

export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface StaffSession {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  lastSeenAt: Date;
  user: StaffPrincipal;
}

/** How long a session lives: at most a working day, and not while nobody uses it. */
export type SessionSettings = Pick<Config, 'STAFF_SESSION_MAX_HOURS' | 'STAFF_SESSION_IDLE_MINUTES'>;

/** last_seen_at is written at most this often: the idle timeout needs minutes, not milliseconds. */
const SEEN_GRANULARITY_MS = 60_000;

function buildSessionQuery(db: Queryable) {
  const { passwordHash: _hash, ...user } = getTableColumns(staffUsers);
  return db
    .select({
      id: staffSessions.id,
      csrfToken: staffSessions.csrfToken,
      expiresAt: staffSessions.expiresAt,
      lastSeenAt: staffSessions.lastSeenAt,
      user,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(
      and(
        eq(staffSessions.id, sql.placeholder('id')),
        gt(staffSessions.expiresAt, sql`${sql.placeholder('now')}::timestamptz`),
        gt(staffSessions.lastSeenAt, sql`${sql.placeholder('idleSince')}::timestamptz`),
        // A shorter STAFF_SESSION_MAX_HOURS applies to sessions opened before it was set.
        gt(staffSessions.createdAt, sql`${sql.placeholder('bornAfter')}::timestamptz`),
        eq(staffUsers.active, 1),
      ),
    )
    .prepare('staff_session');
}

/**
 * Runs on every API request, so it is built once per database and executed as a prepared
 * statement: no query building in JavaScript, no planning in PostgreSQL.
 */
const sessionQueries = new WeakMap<Queryable, ReturnType<typeof buildSessionQuery>>();

/**
 * Sessions this process looked up in the last SESSION_CACHE_MS, by session id: a panel screen
 * makes several requests at once and they share one lookup. Whatever ends or changes a session
 * here (log out, password change or reset, a changed or deactivated account) forgets it at once;
 * another instance of the server notices within SESSION_CACHE_MS. Session ids are hashes of
 * random tokens, so one map serves every database a process opens (tests open many).
 */
export const SESSION_CACHE_MS = 2_000;
const SESSION_CACHE_SIZE = 10_000;
const sessionCache = new Map<string, { session: StaffSession; until: number }>();

/**
 * The live session of a cookie token, with its active user; one primary-key join. A session
 * idle for STAFF_SESSION_IDLE_MINUTES or older than STAFF_SESSION_MAX_HOURS is over.
 */
export async function sessionFromToken(
  db: Queryable,
  token: string,
  settings: SessionSettings,
  now: Date = new Date(),
): Promise<StaffSession | null> {
  if (!/^[\w-]{20,100}$/.test(token)) return null;
  const id = sessionIdOf(token);
  const cached = sessionCache.get(id);
  if (cached && cached.until > now.getTime() && cached.session.expiresAt > now) return cached.session;
  let query = sessionQueries.get(db);
  if (!query) sessionQueries.set(db, (query = buildSessionQuery(db)));
  const idleSince = new Date(now.getTime() - settings.STAFF_SESSION_IDLE_MINUTES * 60_000);
  const bornAfter = new Date(now.getTime() - settings.STAFF_SESSION_MAX_HOURS * 3_600_000);
  const [row] = await query.execute({ id, now: now.toISOString(), idleSince: idleSince.toISOString(), bornAfter: bornAfter.toISOString() });
  sessionCache.delete(id);
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() >= SEEN_GRANULARITY_MS) {
    await db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.id, id));
    row.lastSeenAt = now;
  }
  sessionCache.set(id, { session: row, until: now.getTime() + SESSION_CACHE_MS });
  if (sessionCache.size > SESSION_CACHE_SIZE) sessionCache.delete(sessionCache.keys().next().value!);
  return row;
}

/** Forgets the cached sessions of a staff user (after their sessions or rights changed). */
export function forgetSessionsOf(userId: number): void {
  for (const [id, entry] of sessionCache) if (entry.session.user.id === userId) sessionCache.delete(id);
}

export async function logout(db: Queryable, session: Pick<StaffSession, 'id' | 'user'>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(staffSessions).where(eq(staffSessions.id, session.id));
    await audit(tx, { type: 'staff', id: session.user.id }, { action: 'staff.logout', entity: 'staff_user', entityId: session.user.id });
  });
  sessionCache.delete(session.id);
}
