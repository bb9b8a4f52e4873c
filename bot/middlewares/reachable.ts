import type { Context, MiddlewareFn } from 'grammy';
import { clearUnreachable } from '../../core/unreachable.ts';
import type { BotContext } from '../context.ts';
import type { DrizzleSessionStorage } from './session.ts';

/**
 * A parent Telegram had refused to deliver to (they blocked the bot) writes again: they can be
 * reached, so the mark goes and notifications flow again. The update's first statement already
 * told whether the chat is marked (DrizzleSessionStorage.claimUpdate): no query otherwise.
 */
export function clearUnreachableMark(
  storage: DrizzleSessionStorage,
  sessionKey: (ctx: Context) => string | undefined,
): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const key = sessionKey(ctx);
    if (key !== undefined && storage.takeUnreachable(key) && ctx.chat?.type === 'private') {
      if (await clearUnreachable(ctx.db, ctx.chat.id)) ctx.logger.info('chat reachable again: the parent wrote to the bot');
    }
    await next();
  };
}
