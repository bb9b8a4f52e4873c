import { GrammyError, HttpError, type BotError, type ErrorHandler } from 'grammy';
import type { BotContext } from '../context.ts';

/**
 * The error boundary: logs the update and tells the parent, in their language, that something
 * went wrong, so nobody waits for an answer that will never come.
 */
export const onBotError: ErrorHandler<BotContext> = async (err: BotError<BotContext>) => {
  const ctx = err.ctx;
  const e = err.error;
  const kind = e instanceof GrammyError ? 'telegram' : e instanceof HttpError ? 'network' : 'handler';
  ctx.logger.error({ err: e, kind, updateId: ctx.update.update_id, chatId: ctx.chat?.id }, 'update failed');
  if (!ctx.chat) return;
  // Before the i18n middleware ran, the language is unknown: say it in both.
  const text = ctx.t
    ? ctx.t('errors.internal')
    : `${ctx.i18n.getFixedT('kk')('errors.internal')} / ${ctx.i18n.getFixedT('ru')('errors.internal')}`;
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
  await ctx.reply(text).catch(() => {});
};
