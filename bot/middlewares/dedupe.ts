import { lt } from 'drizzle-orm';
import type { Context, MiddlewareFn } from 'grammy';
import type { Queryable } from '../../db/client.ts';
import { processedUpdates } from '../../db/schema/index.ts';
import type { BotContext } from '../context.ts';
import type { DrizzleSessionStorage } from './session.ts';

/**
 * The first middleware that touches the database: an update Telegram delivers twice (same
 * update_id: a webhook retried after a timeout, two instances behind a load balancer, a
 * polling restart) is handled once. The insert into processed_updates is the claim, so two
 * instances racing on the same update cannot both win. The same statement reads the chat's
 * session (one round trip instead of two); only `sequentialize` runs before it, to keep one
 * chat's updates in order.
 *
 * The row is written before handling (at most once): if the process dies while handling, a
 * redelivery is dropped and the parent repeats their last tap; handling it twice could submit
 * or withdraw twice. The table is unlogged (migration 0003): no WAL flush per update.
 */
export function dedupeUpdates(
  storage: DrizzleSessionStorage,
  sessionKey: (ctx: Context) => string | undefined,
): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const key = sessionKey(ctx);
    const claimed =
      key === undefined
        ? (await ctx.db.insert(processedUpdates).values({ updateId: ctx.update.update_id }).onConflictDoNothing().returning()).length > 0
        : await storage.claimUpdate(ctx.update.update_id, key);
    if (!claimed) {
      ctx.logger.info('update already processed: skipped');
      return;
    }
    try {
      await next();
    } finally {
      if (key !== undefined) storage.release(key);
    }
  };
}

/** Telegram redelivers for hours, not days: older rows only take space. */
export async function pruneProcessedUpdates(db: Queryable, olderThan: Date): Promise<void> {
  await db.delete(processedUpdates).where(lt(processedUpdates.at, olderThan));
}
