import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/client.ts';
import { positionChanges } from '../db/schema/index.ts';
import type { Policy } from './policy.ts';
import { positionIn, type PositionResult, type QueueList, type QueueTotals } from './queue.ts';

export interface QueuePosition extends PositionResult {
  applicationId: number;
  queueId: number;
  list: QueueList;
  aheadInList: number;
  totals: QueueTotals;
  phase: number;
  registeredAt: Date;
}

interface PositionRow {
  queue_id: number;
  list: number;
  registered_at: Date | string;
  phase: number;
  e: number;
  b: number;
  g: number;
  ahead: number;
}

/**
 * One round trip whatever the queue's length: counts per 32-day block and per day (queue_counts,
 * kept by a trigger, migration 0001) plus an index count inside the child's day. The SQL is
 * queue_position (migration 0004). Null when the application is not waiting.
 */
export async function getPosition(db: Queryable, applicationId: number, policy: Policy): Promise<QueuePosition | null> {
  return (await getPositions(db, [applicationId], policy)).get(applicationId) ?? null;
}

export async function getPositions(
  db: Queryable,
  applicationIds: readonly number[],
  policy: Policy,
): Promise<Map<number, QueuePosition>> {
  const positions = new Map<number, QueuePosition>();
  if (applicationIds.length === 0) return positions;
  const rows = await rowsOf<PositionRow & { id: number }>(
    db,
    applicationIds.length === 1
      ? sql`select ${applicationIds[0]}::int as id, p.* from queue_position(${applicationIds[0]}) p`
      : sql`select ids.id, p.* from unnest(array[${sql.join(
          applicationIds.map((id) => sql`${id}`),
          sql`, `,
        )}]::int[]) as ids(id), lateral queue_position(ids.id) p`,
  );
  for (const row of rows) positions.set(row.id, positionFromRow(row.id, row, policy));
  return positions;
}

export type QueuePositionRow = PositionRow;

export function positionFromRow(applicationId: number, row: QueuePositionRow, policy: Policy): QueuePosition {
  const totals = { e: row.e, b: row.b, g: row.g };
  const list = row.list as QueueList;
  const result = positionIn(list, row.ahead, totals, row.phase, policy.generalPerBeneficiary);
  return {
    ...result,
    applicationId,
    queueId: row.queue_id,
    list,
    aheadInList: row.ahead,
    totals,
    phase: row.phase,
    registeredAt: new Date(row.registered_at),
  };
}

export type PositionReason = (typeof positionChanges.reason.enumValues)[number];

export interface PositionExplanation {
  positionNow: number;
  /** Null when the child itself joined or changed list since then (see ownChange). */
  positionThen: number | null;
  /** Moves caused by others, by reason; shift > 0 means the child moved back. */
  reasons: { reason: PositionReason; events: number; shift: number }[];
  ownChange: PositionReason | null;
}

/** Replays the change log backwards, so each step of the difference is attributed to its cause. */
export async function explainPositionChange(
  db: Queryable,
  applicationId: number,
  since: Date,
  policy: Policy,
): Promise<PositionExplanation | null> {
  const now = await getPosition(db, applicationId, policy);
  if (!now) return null;
  const events = await db
    .select()
    .from(positionChanges)
    .where(and(eq(positionChanges.queueId, now.queueId), gt(positionChanges.at, since)))
    .orderBy(asc(positionChanges.id));
  const k = policy.generalPerBeneficiary;
  const totals = { ...now.totals };
  const key = { e: 0, b: 1, g: 2 } as const;
  let phase = now.phase;
  let ahead = now.aheadInList;
  let ownChange: PositionReason | null = null;
  const byReason = new Map<PositionReason, { events: number; shift: number }>();
  for (let i = events.length - 1; i >= 0; i--) {
    const ev = events[i]!;
    if (ev.applicationId === applicationId) {
      ownChange = ev.reason;
      break;
    }
    const after = positionIn(now.list, ahead, totals, phase, k).position;
    const list = (['e', 'b', 'g'] as const).find((l) => key[l] === ev.category)!;
    totals[list] -= ev.delta;
    phase = ev.phaseBefore;
    const evAt = ev.registeredAt.getTime();
    const meAt = now.registeredAt.getTime();
    if (ev.category === now.list && (evAt < meAt || (evAt === meAt && ev.applicationId < applicationId))) {
      ahead -= ev.delta;
    }
    const before = positionIn(now.list, ahead, totals, phase, k).position;
    if (after !== before) {
      const entry = byReason.get(ev.reason) ?? { events: 0, shift: 0 };
      entry.events += 1;
      entry.shift += after - before;
      byReason.set(ev.reason, entry);
    }
  }
  return {
    positionNow: now.position,
    positionThen: ownChange ? null : positionIn(now.list, ahead, totals, phase, k).position,
    reasons: [...byReason].map(([reason, v]) => ({ reason, ...v })),
    ownChange,
  };
}
