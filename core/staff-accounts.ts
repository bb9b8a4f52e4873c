/**
 * Staff accounts of the panel: roles and what each may do, district scope, passwords
 * (argon2id) and sessions. Signing in, and its throttle, is core/sign-in.ts. The permission checks are pure functions; the
 * API enforces them on every request and the panel only mirrors them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { and, eq, getTableColumns, gt, ne, sql } from 'drizzle-orm';
import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';
import { rowsOf, type Queryable } from '../db/client.ts';
import { staffRoleEnum, staffSessions, staffUsers } from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import type { Config } from './config.ts';
import { NotFoundError, ValidationError, type FieldError } from './errors.ts';
import { maskIin } from './iin.ts';
import { PASSWORD_MIN_LENGTH } from './passwords.ts';

export const STAFF_ROLES = staffRoleEnum.enumValues;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type StaffUser = typeof staffUsers.$inferSelect;
/** What the rest of the code may know about a signed-in user: never the password hash. */
export type StaffPrincipal = Omit<StaffUser, 'passwordHash'>;

/**
 * The role matrix. admin: everything; district_staff: their districts' applications
 * (verify, refuse, priority claims, intake, referrals); call_centre: the look-up only, masked;
 * auditor: read-only everywhere, and the audit log. Anything not listed is forbidden.
 */
export const PERMISSIONS = {
  'applications.read': ['admin', 'district_staff', 'auditor'],
  /** Whole IINs in exports; everyone else who reads applications gets them masked. */
  'applications.iin': ['admin', 'district_staff'],
  'applications.intake': ['admin', 'district_staff'],
  'applications.verify': ['admin', 'district_staff'],
  'applications.refuse': ['admin', 'district_staff'],
  'applications.priority': ['admin', 'district_staff'],
  /** Document metadata (kind, size, state); the content is documents.download. */
  'documents.read': ['admin', 'district_staff', 'auditor'],
  'documents.download': ['admin', 'district_staff'],
  'documents.upload': ['admin', 'district_staff'],
  'documents.verify': ['admin', 'district_staff'],
  'places.read': ['admin', 'district_staff', 'auditor'],
  /** Kindergartens are the city's (admins); a district's groups and seats are its own staff's too. */
  'places.write': ['admin'],
  'groups.write': ['admin', 'district_staff'],
  'referrals.read': ['admin', 'district_staff', 'auditor'],
  'referrals.write': ['admin', 'district_staff'],
  'staff.read': ['admin'],
  'staff.write': ['admin'],
  'audit.read': ['admin', 'auditor'],
  'feedback.read': ['admin', 'auditor'],
  'dashboard.read': ['admin', 'district_staff', 'auditor'],
  'districts.read': ['admin', 'district_staff', 'call_centre', 'auditor'],
  /** The decree transfers of working days: they move every deadline in the city. */
  'calendar.write': ['admin'],
  lookup: ['admin', 'call_centre'],
  /** Staff who explain the bot to parents; the sandbox is too costly to offer every desk. */
  'bot.preview': ['admin', 'district_staff'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Roles whose rights are limited to the districts listed on the account. */
const DISTRICT_BOUND: readonly StaffRole[] = ['district_staff'];

export function can(user: Pick<StaffUser, 'roles'>, permission: Permission): boolean {
  const allowed: readonly StaffRole[] = PERMISSIONS[permission];
  return user.roles.some((r) => allowed.includes(r));
}

/** A child's IIN as this staff member may see it: whole with 'applications.iin', masked otherwise. */
export function iinFor(user: Pick<StaffUser, 'roles'>, iin: string): string {
  return can(user, 'applications.iin') ? iin : maskIin(iin);
}

/** Permissions of a user, for the panel to mirror (it never decides anything itself). */
export function permissionsOf(user: Pick<StaffUser, 'roles'>): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(user, p));
}

/**
 * The districts in which the user holds `permission`: 'all' when a role that grants it is not
 * district-bound, else the account's districts (possibly none).
 */
export function districtScope(user: Pick<StaffUser, 'roles' | 'districtIds'>, permission: Permission): 'all' | number[] {
  const allowed: readonly StaffRole[] = PERMISSIONS[permission];
  const granting = user.roles.filter((r) => allowed.includes(r));
  if (granting.some((r) => !DISTRICT_BOUND.includes(r))) return 'all';
  return granting.length ? [...user.districtIds] : [];
}

export function canInDistrict(
  user: Pick<StaffUser, 'roles' | 'districtIds'>,
  permission: Permission,
  districtId: number,
): boolean {
  if (!can(user, permission)) return false;
  const scope = districtScope(user, permission);
  return scope === 'all' || scope.includes(districtId);
}

export function staffActor(user: Pick<StaffUser, 'id' | 'roles'>): Actor {
  return { type: 'staff', id: user.id, roles: user.roles };
}

// ---------------------------------------------------------------------------------------------
// Passwords

export { PASSWORD_MIN_LENGTH };

/**
 * argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane). @node-rs/argon2's
 * default algorithm is argon2id; its Algorithm enum is a const enum isolatedModules cannot import.
 */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed hash never matches.
    return false;
  }
}

/** A password given to a person once (first admin, new accounts, resets); they must change it. */
export function oneTimePassword(): string {
  return randomBytes(18).toString('base64url');
}

export function checkNewPassword(password: string, login: string, field = 'password'): FieldError[] {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return [{ field, code: 'password_too_short', params: { min: PASSWORD_MIN_LENGTH } }];
  }
  if (password.length > 200) return [{ field, code: 'too_long' }];
  if (password.toLowerCase().includes(login.toLowerCase())) return [{ field, code: 'password_contains_login' }];
  return [];
}

// ---------------------------------------------------------------------------------------------
// Accounts

export function normalizeLogin(login: string): string {
  return login.trim().toLowerCase();
}

/** Account fields an admin edits, validated from the table's own definition. */
const staffFields = createInsertSchema(staffUsers, {
  login: (s) =>
    s
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9._-]{3,64}$/),
  fullName: (s) => s.trim().min(1).max(200),
  roles: (s) => s.min(1).max(STAFF_ROLES.length),
  districtIds: (s) => s.max(50),
});

export const staffCreateSchema = staffFields.pick({ login: true, fullName: true, roles: true, districtIds: true, language: true });
export const staffUpdateSchema = staffFields
  .pick({ fullName: true, roles: true, districtIds: true, language: true })
  .extend({ active: z.boolean() })
  .partial();

export type StaffCreateInput = z.input<typeof staffCreateSchema>;
export type StaffUpdateInput = z.input<typeof staffUpdateSchema>;

function zodFields(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.join('.'),
    code: issue.code === 'too_big' ? 'too_long' : issue.code === 'invalid_type' && issue.input === undefined ? 'required' : 'invalid',
  }));
}

/** A district_staff account without districts could do nothing; say so instead of saving it. */
function checkRoles(roles: readonly StaffRole[], districtIds: readonly number[]): FieldError[] {
  return roles.includes('district_staff') && districtIds.length === 0 ? [{ field: 'districtIds', code: 'districts_required' }] : [];
}

export function publicUser(user: StaffUser): StaffPrincipal {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

/** Creates an account with a one-time password, returned once and stored only as a hash. */
export async function createStaffUser(
  db: Queryable,
  raw: unknown,
  actor: Actor,
): Promise<{ user: StaffPrincipal; password: string }> {
  const parsed = staffCreateSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(zodFields(parsed.error));
  const input = parsed.data;
  const roleErrors = checkRoles(input.roles, input.districtIds ?? []);
  if (roleErrors.length) throw new ValidationError(roleErrors);
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(staffUsers)
      .values({ ...input, districtIds: input.districtIds ?? [], passwordHash, mustChangePassword: 1 })
      .onConflictDoNothing({ target: staffUsers.login })
      .returning();
    if (!user) throw new ValidationError([{ field: 'login', code: 'login_taken' }]);
    await audit(tx, actor, {
      action: 'staff.create',
      entity: 'staff_user',
      entityId: user.id,
      data: { login: user.login, roles: user.roles, districtIds: user.districtIds },
    });
    return { user: publicUser(user), password };
  });
}

export async function updateStaffUser(db: Queryable, id: number, raw: unknown, actor: Actor): Promise<StaffPrincipal> {
  const parsed = staffUpdateSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(zodFields(parsed.error));
  const { active, ...fields } = parsed.data;
  const updated = await db.transaction(async (tx) => {
    const [before] = await tx.select().from(staffUsers).where(eq(staffUsers.id, id)).for('update');
    if (!before) throw new NotFoundError('staff_user', id);
    const roles = fields.roles ?? before.roles;
    const roleErrors = checkRoles(roles, fields.districtIds ?? before.districtIds);
    if (roleErrors.length) throw new ValidationError(roleErrors);
    // Nobody locks the panel by removing the last active admin (themselves included).
    const losesAdmin = before.roles.includes('admin') && (!roles.includes('admin') || active === false);
    if (losesAdmin && (await activeAdmins(tx, id)) === 0) throw new ValidationError([{ field: 'roles', code: 'last_admin' }]);
    const patch = { ...fields, ...(active === undefined ? {} : { active: active ? 1 : 0 }) };
    const [user] = await tx.update(staffUsers).set(patch).where(eq(staffUsers.id, id)).returning();
    // A deactivated account or one with changed rights signs in again.
    if (active === false || fields.roles || fields.districtIds) await tx.delete(staffSessions).where(eq(staffSessions.userId, id));
    const changed = Object.fromEntries(
      Object.entries(patch).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof StaffUser])),
    );
    await audit(tx, actor, { action: 'staff.update', entity: 'staff_user', entityId: id, data: { changed } });
    return publicUser(user!);
  });
  forgetSessionsOf(id);
  return updated;
}

async function activeAdmins(db: Queryable, except: number): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`select count(*)::int as n from staff_users where active = 1 and 'admin' = any(roles) and id <> ${except}`,
  );
  return row?.n ?? 0;
}

/** An admin gives a person a new one-time password; their sessions end. */
export async function resetStaffPassword(db: Queryable, id: number, actor: Actor): Promise<string> {
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const [user] = await tx
      .update(staffUsers)
      .set({ passwordHash, mustChangePassword: 1 })
      .where(eq(staffUsers.id, id))
      .returning({ id: staffUsers.id });
    if (!user) throw new NotFoundError('staff_user', id);
    await tx.delete(staffSessions).where(eq(staffSessions.userId, id));
    await audit(tx, actor, { action: 'staff.password_reset', entity: 'staff_user', entityId: id });
  });
  forgetSessionsOf(id);
  return password;
}

/** A signed-in person changes their own password (forced at first login); other sessions end. */
export async function changeOwnPassword(
  db: Queryable,
  input: { userId: number; sessionId: string; current: string; next: string },
): Promise<void> {
  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.id, input.userId));
  if (!user) throw new NotFoundError('staff_user', input.userId);
  if (!(await verifyPassword(user.passwordHash, input.current))) {
    throw new ValidationError([{ field: 'current', code: 'password_wrong' }]);
  }
  const errors = checkNewPassword(input.next, user.login, 'next');
  if (input.next === input.current) errors.push({ field: 'next', code: 'password_same' });
  if (errors.length) throw new ValidationError(errors);
  const passwordHash = await hashPassword(input.next);
  await db.transaction(async (tx) => {
    await tx.update(staffUsers).set({ passwordHash, mustChangePassword: 0 }).where(eq(staffUsers.id, user.id));
    await tx.delete(staffSessions).where(and(eq(staffSessions.userId, user.id), ne(staffSessions.id, input.sessionId)));
    await audit(tx, { type: 'staff', id: user.id }, { action: 'staff.password_change', entity: 'staff_user', entityId: user.id });
  });
  forgetSessionsOf(user.id);
}

// ---------------------------------------------------------------------------------------------
// Sessions and login

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
 * It runs on every API request, so it is built once per database and executed as a prepared
 * statement: no query building in JavaScript, no planning in PostgreSQL (postgres.js keeps the
 * statement per connection). Measured under load: 0.8 → 0.2 ms of CPU per request.
 */
const sessionQueries = new WeakMap<Queryable, ReturnType<typeof buildSessionQuery>>();

/**
 * Sessions this process looked up in the last SESSION_CACHE_MS, by session id. A panel screen
 * makes several requests at once (a list, its references, the dashboard's parts): they share one
 * lookup. Whatever ends or changes a session here (log out, password change or reset, a changed
 * or deactivated account) forgets it at once; another instance of the server notices within
 * SESSION_CACHE_MS. Session ids are 256-bit hashes of random tokens, so one map serves every
 * database a process opens (tests open many).
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
function forgetSessionsOf(userId: number): void {
  for (const [id, entry] of sessionCache) if (entry.session.user.id === userId) sessionCache.delete(id);
}

export async function logout(db: Queryable, session: Pick<StaffSession, 'id' | 'user'>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(staffSessions).where(eq(staffSessions.id, session.id));
    await audit(tx, { type: 'staff', id: session.user.id }, { action: 'staff.logout', entity: 'staff_user', entityId: session.user.id });
  });
  sessionCache.delete(session.id);
}
