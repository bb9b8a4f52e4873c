/** Staff accounts of the panel: creating and changing them, and passwords given or changed. */
import { and, eq, ne, sql } from 'drizzle-orm';
import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';
import { rowsOf, type Queryable } from '../db/client.ts';
import { staffSessions, staffUsers } from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import { NotFoundError, ValidationError, type FieldError } from './errors.ts';
import { hashPassword, oneTimePassword, verifyPassword } from './password-hashing.ts';
import { checkNewPassword } from './passwords.ts';
import { STAFF_ROLES, type StaffRole } from './permissions.ts';
import { forgetSessionsOf } from './staff-sessions.ts';

export type StaffUser = typeof staffUsers.$inferSelect;
/** What the rest of the code may know about a signed-in user: never the password hash. */
export type StaffPrincipal = Omit<StaffUser, 'passwordHash'>;

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
