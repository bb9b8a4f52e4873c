/** One-time passwords are shown once and never stored in clear. Accounts are deactivated, never deleted: the audit log points at them. */
import { eq, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { staffUsers } from '../../db/schema/index.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { STAFF_ROLES } from '../../core/permissions.ts';
import { createStaffUser, resetStaffPassword, updateStaffUser } from '../../core/staff-accounts.ts';
import { actorOf, need, pathId, pick, readJson, type ApiDeps, type ApiEnv } from './context.ts';
import { int, likePattern, listParams, oneOrMany, sendList, type ListSpec } from './simple-rest.ts';

const s = staffUsers;

export const staffColumns = {
  id: s.id,
  login: s.login,
  fullName: s.fullName,
  roles: s.roles,
  districtIds: s.districtIds,
  language: s.language,
  active: s.active,
  mustChangePassword: s.mustChangePassword,
  createdAt: s.createdAt,
};

const list: ListSpec = {
  resource: 'staff-users',
  idColumn: s.id,
  sort: { id: [s.id], login: [s.login], fullName: [s.fullName, s.id], createdAt: [s.createdAt, s.id] },
  defaultSort: ['login', 'ASC'],
  filters: {
    q: (value): SQL | undefined => {
      const q = z.string().max(200).safeParse(value);
      if (!q.success) throw new ValidationError([{ field: 'filter.q', code: 'invalid' }]);
      if (!q.data.trim()) return undefined;
      const pattern = likePattern(q.data.trim());
      return sql`(${s.login} ilike ${pattern} or ${s.fullName} ilike ${pattern})`;
    },
    role: (value) => {
      const role = z.enum(STAFF_ROLES).safeParse(value);
      if (!role.success) throw new ValidationError([{ field: 'filter.role', code: 'invalid' }]);
      return sql`${role.data}::staff_role = any(${s.roles})`;
    },
    active: oneOrMany(s.active, int),
    districtId: (value) => {
      const id = int.safeParse(value);
      if (!id.success) throw new ValidationError([{ field: 'filter.districtId', code: 'invalid' }]);
      return sql`${id.data}::int = any(${s.districtIds})`;
    },
  },
};

const EDITABLE = ['fullName', 'roles', 'districtIds', 'language', 'active'] as const;

export function staffUsersRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  const one = async (id: number) => {
    const [row] = await db.select(staffColumns).from(s).where(eq(s.id, id));
    if (!row) throw new NotFoundError('staff_user', id);
    return row;
  };
  return new Hono<ApiEnv>()
    .use(need('staff.read'))
    .get('/', async (c) => {
      const p = listParams(c, list);
      const [rows, [count]] = await Promise.all([
        db.select(staffColumns).from(s).where(p.where).orderBy(...p.orderBy).limit(p.limit).offset(p.offset),
        db.select({ n: sql<number>`count(*)::int` }).from(s).where(p.where),
      ]);
      return sendList(c, 'staff-users', rows, p.offset, count?.n ?? 0);
    })
    .get('/:id', async (c) => c.json(await one(pathId(c))))
    .post('/', need('staff.write'), async (c) => {
      const { user, password } = await createStaffUser(db, await readJson(c), actorOf(c));
      return c.json({ ...(await one(user.id)), oneTimePassword: password }, 201);
    })
    .put('/:id', need('staff.write'), async (c) => {
      const id = pathId(c);
      const body = pick(await readJson(c), EDITABLE);
      // The panel's toggle sends 1/0 like the column; core takes a boolean.
      if (typeof body.active === 'number') body.active = body.active === 1;
      await updateStaffUser(db, id, body, actorOf(c));
      return c.json(await one(id));
    })
    .post('/:id/reset-password', need('staff.write'), async (c) => {
      const id = pathId(c);
      const password = await resetStaffPassword(db, id, actorOf(c));
      return c.json({ ...(await one(id)), oneTimePassword: password });
    });
}
