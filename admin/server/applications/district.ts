import { eq } from 'drizzle-orm';
import { applications } from '../../../db/schema/index.ts';
import { NotFoundError } from '../../../core/errors.ts';
import { inScope, type ApiContext, type ApiDeps } from '../context.ts';

/** The application's district, or 404 when it does not exist or lies outside the user's districts. */
export async function districtOf(
  db: ApiDeps['database']['db'],
  c: ApiContext,
  id: number,
  permission: Parameters<typeof inScope>[1],
): Promise<number> {
  const [row] = await db.select({ districtId: applications.districtId }).from(applications).where(eq(applications.id, id));
  if (!row || !inScope(c, permission, row.districtId)) throw new NotFoundError('application', id);
  return row.districtId;
}
