import { GrammyError, HttpError, type BotError, type ErrorHandler } from 'grammy';
import { isDatabaseUnavailable } from '../../core/errors.ts';
import type { BotContext } from '../context.ts';

/**
 * The error boundary: logs the update and tells the parent, in their language, that something
 * went wrong, so nobody waits for an answer that will never come.
 */
export const onBotError: ErrorHandler<BotContext> = async (err: BotError<BotContext>) => {
  const ctx = err.ctx;
  const e = err.error;
  const unavailable = isDatabaseUnavailable(e);
  const kind = unavailable ? 'database' : e instanceof GrammyError ? 'telegram' : e instanceof HttpError ? 'network' : 'handler';
  // The database being away is expected now and then and says nothing about this update.
  ctx.logger[unavailable ? 'warn' : 'error']({ err: e, kind, updateId: ctx.update.update_id, chatId: ctx.chat?.id }, 'update failed');
  if (!ctx.chat) return;
  const key = unavailable ? 'errors.unavailable_later' : 'errors.internal';
  // Before the i18n middleware ran, the language is unknown: say it in both.
  const text = ctx.t ? ctx.t(key) : `${ctx.i18n.getFixedT('kk')(key)} / ${ctx.i18n.getFixedT('ru')(key)}`;
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
  await ctx.reply(text).catch(() => {});
};
