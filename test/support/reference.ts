import { eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { applications, queues } from '../../db/schema/index.ts';

/** Brute force, independent of queue_counts and core/queue.ts. */
export async function referenceOrder(db: Queryable, queueId: number, k = 3): Promise<number[]> {
  const [queue] = await db.select().from(queues).where(eq(queues.id, queueId));
  const rows = await db
    .select({ id: applications.id, list: applications.queueCategory, at: applications.registeredAt, status: applications.status })
    .from(applications)
    .where(eq(applications.queueId, queueId));
  const waiting = rows.filter((r) => r.status === 'registered');
  const sorted = (list: number) =>
    waiting
      .filter((r) => r.list === list)
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id)
      .map((r) => r.id);
  const [e, b, g] = [sorted(0), sorted(1), sorted(2)];
  const order: number[] = [...e];
  let p = queue!.phase;
  let bi = 0;
  let gi = 0;
  while (bi < b.length || gi < g.length) {
    if ((p < k || bi >= b.length) && gi < g.length) {
      order.push(g[gi++]!);
      p = Math.min(p + 1, k);
    } else {
      order.push(b[bi++]!);
      p = 0;
    }
  }
  return order;
}
