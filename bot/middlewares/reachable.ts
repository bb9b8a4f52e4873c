import type { Context, MiddlewareFn } from 'grammy';
import { clearUnreachable } from '../../core/unreachable.ts';
import type { BotContext } from '../context.ts';
import { askContactCheck } from '../features/contact-check.ts';
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
    let back = false;
    if (key !== undefined && storage.takeUnreachable(key) && ctx.chat?.type === 'private') {
      back = await clearUnreachable(ctx.db, ctx.chat.id);
      if (back) ctx.logger.info('chat reachable again: the parent wrote to the bot');
    }
    await next();
    // After the answer to what they wrote: is the phone on record still theirs (core/contact-checks.ts)?
    if (back) await askContactCheck(ctx);
  };
}
