import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { bulkInsert, type Queryable, type Tx } from '../db/client.ts';
import { jobs } from '../db/schema/index.ts';
import type { Logger } from './logger.ts';

/**
 * A job runs in the transaction that marks it done, so its effect happens exactly once even if
 * the process dies; workers share the table through FOR UPDATE SKIP LOCKED.
 */
export type Job = typeof jobs.$inferSelect;
export type JobHandler = (tx: Tx, job: Job, now: Date) => Promise<void>;

export interface ScheduleInput {
  kind: string;
  payload: Record<string, unknown>;
  runAt: Date;
  /** One pending job per key: scheduling again moves it instead of adding a second one. */
  dedupeKey: string;
}

export async function scheduleJobs(tx: Queryable, list: ScheduleInput[]): Promise<void> {
  await bulkInsert(
    tx,
    jobs,
    list.map((j) => ({ kind: j.kind, payload: j.payload, runAt: j.runAt, dedupeKey: j.dedupeKey })),
    {
      onConflict: sql`on conflict (dedupe_key) do update set run_at = excluded.run_at, payload = excluded.payload,
                      status = 'pending', attempts = 0, last_error = null`,
    },
  );
}

const MAX_ATTEMPTS = 5;

export async function runDueJobs(
  db: Queryable,
  handlers: Record<string, JobHandler>,
  options: {
    now?: () => Date;
    limit?: number;
    logger?: Logger;
    /** Only the jobs of these referrals (tests that share one database run only their own). */
    scope?: { referralIds: number[] };
  } = {},
): Promise<number> {
  const clock = options.now ?? (() => new Date());
  let ran = 0;
  while (ran < (options.limit ?? 1000)) {
    const now = clock();
    let failed: { job: Job; error: unknown } | null = null;
    const done = await db
      .transaction(async (tx) => {
        const [job] = await tx
          .select()
          .from(jobs)
          .where(
            and(
              eq(jobs.status, 'pending'),
              lte(jobs.runAt, now),
              options.scope
                ? inArray(sql`(${jobs.payload}->>'referralId')::int`, options.scope.referralIds.length ? options.scope.referralIds : [-1])
                : undefined,
            ),
          )
          .orderBy(asc(jobs.runAt), asc(jobs.id))
          .limit(1)
          .for('update', { skipLocked: true });
        if (!job) return false;
        const handler = handlers[job.kind];
        try {
          if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
          await tx.transaction((inner) => handler(inner, job, now));
          await tx.update(jobs).set({ status: 'done', doneAt: now, attempts: job.attempts + 1 }).where(eq(jobs.id, job.id));
        } catch (error) {
          // The handler's writes were rolled back to the savepoint; record the failure and back off.
          failed = { job, error };
          const attempts = job.attempts + 1;
          await tx
            .update(jobs)
            .set({
              attempts,
              lastError: String((error as Error)?.message ?? error).slice(0, 1000),
              status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
              runAt: new Date(now.getTime() + 2 ** attempts * 30_000),
            })
            .where(eq(jobs.id, job.id));
        }
        return true;
      })
      .catch((error: unknown) => {
        options.logger?.error({ err: error }, 'job transaction failed');
        return false;
      });
    if (failed) {
      const { job, error } = failed as { job: Job; error: unknown };
      options.logger?.warn({ err: error, jobId: job.id, kind: job.kind }, 'job failed');
    }
    if (!done) break;
    ran++;
  }
  return ran;
}

export function createJobWorker(deps: {
  db: Queryable;
  handlers: Record<string, JobHandler>;
  logger: Logger;
  intervalMs?: number;
}): { start(): void; stop(): Promise<void> } {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = runDueJobs(deps.db, deps.handlers, { logger: deps.logger })
      .catch((err: unknown) => deps.logger.error({ err }, 'job worker tick failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, deps.intervalMs ?? 1000);
      });
  };
  return {
    start() {
      stopped = false;
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
