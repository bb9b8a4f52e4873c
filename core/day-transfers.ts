import { asc, eq, getTableName } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { uniqueViolation } from '../db/constraints.ts';
import { dayTransfers } from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { addDays } from './calendar.ts';
import { isWorkingDayByLaw, useDayTransfers } from './working-days.ts';

export type DayTransferRow = typeof dayTransfers.$inferSelect;

const realDay = z.string().refine((day) => {
  try {
    return addDays(day, 0) === day;
  } catch {
    return false;
  }
});

const inputSchema = z.object({
  day: realDay,
  working: z.boolean(),
  decree: z.string().trim().min(1).max(300),
});

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), code: i.code === 'invalid_type' && i.input === undefined ? 'required' : 'invalid' })),
    );
  }
  return parsed.data;
}

/** A transfer must move the day: a Saturday made a working day, or a weekday made a day off. */
function assertMoves(input: { day: string; working: boolean }): void {
  if (isWorkingDayByLaw(input.day) === input.working) {
    throw new ValidationError([{ field: 'working', code: input.working ? 'already_working_day' : 'already_day_off' }]);
  }
}

export async function loadDayTransfers(db: Queryable): Promise<void> {
  useDayTransfers(await db.select({ day: dayTransfers.day, working: dayTransfers.working }).from(dayTransfers).orderBy(asc(dayTransfers.day)));
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const unique = uniqueViolation(err);
    if (unique?.table === getTableName(dayTransfers)) throw new ConflictError([{ field: 'day', code: 'day_taken' }]);
    throw err;
  }
}

export async function createDayTransfer(db: Queryable, raw: unknown, actor: Actor): Promise<DayTransferRow> {
  const input = parse(inputSchema, raw);
  assertMoves(input);
  const row = await guarded(() =>
    db.transaction(async (tx) => {
      const [created] = await tx.insert(dayTransfers).values(input).returning();
      await audit(tx, actor, { action: 'day_transfer.create', entity: 'day_transfer', entityId: created!.id, data: { ...input } });
      return created!;
    }),
  );
  await loadDayTransfers(db);
  return row;
}

export async function updateDayTransfer(db: Queryable, id: number, raw: unknown, actor: Actor): Promise<DayTransferRow> {
  const input = parse(inputSchema.partial(), raw);
  const row = await guarded(() =>
    db.transaction(async (tx) => {
      const [before] = await tx.select().from(dayTransfers).where(eq(dayTransfers.id, id)).for('update');
      if (!before) throw new NotFoundError('day_transfer', id);
      const next = { day: input.day ?? before.day, working: input.working ?? before.working, decree: input.decree ?? before.decree };
      assertMoves(next);
      const [updated] = await tx.update(dayTransfers).set({ ...next, updatedAt: new Date() }).where(eq(dayTransfers.id, id)).returning();
      await audit(tx, actor, {
        action: 'day_transfer.update',
        entity: 'day_transfer',
        entityId: id,
        data: { before: { day: before.day, working: before.working, decree: before.decree }, after: next },
      });
      return updated!;
    }),
  );
  await loadDayTransfers(db);
  return row;
}

export async function deleteDayTransfer(db: Queryable, id: number, actor: Actor): Promise<DayTransferRow> {
  const row = await db.transaction(async (tx) => {
    const [deleted] = await tx.delete(dayTransfers).where(eq(dayTransfers.id, id)).returning();
    if (!deleted) throw new NotFoundError('day_transfer', id);
    await audit(tx, actor, {
      action: 'day_transfer.delete',
      entity: 'day_transfer',
      entityId: id,
      data: { day: deleted.day, working: deleted.working, decree: deleted.decree },
    });
    return deleted;
  });
  await loadDayTransfers(db);
  return row;
}
