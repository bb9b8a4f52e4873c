import { eq, getTableName, sql } from 'drizzle-orm';
import { createInsertSchema } from 'drizzle-zod';
import type { z } from 'zod';
import { rowsOf, type Queryable } from '../db/client.ts';
import { checkViolation, uniqueViolation } from '../db/constraints.ts';
import { districts, groups, kindergartens } from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import { seatsHeld } from './seats.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from './errors.ts';

const name = (s: z.ZodString) => s.trim().min(1).max(300);

export const kindergartenSchema = createInsertSchema(kindergartens, {
  number: (s) => s.int().min(1).max(100_000),
  nameKk: name,
  nameRu: name,
  addressKk: name,
  addressRu: name,
  phone: (s) => s.trim().max(40),
  languages: (s) => s.min(1).max(2),
  active: (s) => s.int().min(0).max(1),
}).omit({ id: true });

export const groupSchema = createInsertSchema(groups, {
  name: (s) => s.trim().min(1).max(100),
  birthYear: (s) => s.int().min(2000).max(2100),
  capacity: (s) => s.int().min(0).max(500),
  enrolled: (s) => s.int().min(0).max(500),
}).omit({ id: true });

function fieldsOf(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({
    field: i.path.join('.'),
    code: i.code === 'invalid_type' && i.input === undefined ? 'required' : i.code === 'too_big' ? 'too_long' : 'invalid',
  }));
}

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(fieldsOf(parsed.error));
  return parsed.data;
}

/** Mapped by the constraint's columns (db/constraints.ts), whatever name the migration gave it. */
function constraintError(err: unknown): ValidationError | null {
  const unique = uniqueViolation(err);
  if (unique?.table === getTableName(kindergartens) && unique.columns.includes('number')) {
    return new ConflictError([{ field: 'number', code: 'number_taken' }]);
  }
  if (checkViolation(err)?.table === getTableName(groups)) return new ValidationError([{ field: 'enrolled', code: 'enrolled_over_capacity' }]);
  return null;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw constraintError(err) ?? err;
  }
}

export async function createKindergarten(db: Queryable, raw: unknown, actor: Actor) {
  const input = parse(kindergartenSchema, raw);
  const [district] = await db.select({ id: districts.id }).from(districts).where(eq(districts.id, input.districtId));
  if (!district) throw new ValidationError([{ field: 'districtId', code: 'district_unknown' }]);
  return guarded(() =>
    db.transaction(async (tx) => {
      const [row] = await tx.insert(kindergartens).values(input).returning();
      await audit(tx, actor, { action: 'kindergarten.create', entity: 'kindergarten', entityId: row!.id, data: { ...input } });
      return row!;
    }),
  );
}

export async function updateKindergarten(db: Queryable, id: number, raw: unknown, actor: Actor) {
  // The district is fixed: queues and applications hang on it.
  const input = parse(kindergartenSchema.omit({ districtId: true }).partial(), raw);
  return guarded(() =>
    db.transaction(async (tx) => {
      const [before] = await tx.select().from(kindergartens).where(eq(kindergartens.id, id)).for('update');
      if (!before) throw new NotFoundError('kindergarten', id);
      const [row] = await tx.update(kindergartens).set(input).where(eq(kindergartens.id, id)).returning();
      await audit(tx, actor, { action: 'kindergarten.update', entity: 'kindergarten', entityId: id, data: changes(before, input) });
      return row!;
    }),
  );
}

export async function liveReferralsOf(db: Queryable, groupId: number): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`select ${seatsHeld(sql`${groupId}`)} as n`,
  );
  return row?.n ?? 0;
}

export async function createGroup(db: Queryable, raw: unknown, actor: Actor) {
  const input = parse(groupSchema, raw);
  if ((input.enrolled ?? 0) > input.capacity) throw new ValidationError([{ field: 'enrolled', code: 'enrolled_over_capacity' }]);
  const [kg] = await db.select().from(kindergartens).where(eq(kindergartens.id, input.kindergartenId));
  if (!kg) throw new ValidationError([{ field: 'kindergartenId', code: 'kindergarten_unknown' }]);
  if (!kg.languages.includes(input.language)) throw new ValidationError([{ field: 'language', code: 'kindergarten_language' }]);
  return guarded(() =>
    db.transaction(async (tx) => {
      const [row] = await tx.insert(groups).values(input).returning();
      await audit(tx, actor, { action: 'group.create', entity: 'group', entityId: row!.id, data: { ...input } });
      return row!;
    }),
  );
}

export async function updateGroup(db: Queryable, id: number, raw: unknown, actor: Actor) {
  // Cohort and language define the group: a different one is a new group.
  const input = parse(groupSchema.pick({ name: true, capacity: true, enrolled: true }).partial(), raw);
  return guarded(() =>
    db.transaction(async (tx) => {
      const [before] = await tx.select().from(groups).where(eq(groups.id, id)).for('update');
      if (!before) throw new NotFoundError('group', id);
      const capacity = input.capacity ?? before.capacity;
      const enrolled = input.enrolled ?? before.enrolled;
      // Seats promised by live referrals cannot be taken away under them.
      if (enrolled + (await liveReferralsOf(tx, id)) > capacity) {
        throw new ValidationError([{ field: 'capacity', code: 'capacity_below_taken' }]);
      }
      const [row] = await tx.update(groups).set(input).where(eq(groups.id, id)).returning();
      await audit(tx, actor, { action: 'group.update', entity: 'group', entityId: id, data: changes(before, input) });
      return row!;
    }),
  );
}

function changes(before: Record<string, unknown>, patch: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(patch)
      .filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(before[k]))
      .map(([k, v]) => [k, { from: before[k], to: v }]),
  );
}
