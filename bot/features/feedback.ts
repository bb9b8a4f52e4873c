import { Composer } from 'grammy';
import { cb, onCallback } from '../callbacks.ts';
import type { BotContext } from '../context.ts';

/** /feedback and the "Rate" buttons (after a result, in help, in notifications). */
export function feedbackFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const start = async (ctx: BotContext, applicationId: number | null) => {
    if (ctx.conversation.active('apply')) {
      await ctx.reply(ctx.t('bot.busy'));
      return;
    }
    await ctx.conversation.exitAll();
    await ctx.conversation.enter('feedback', applicationId);
  };
  feature.command('feedback', (ctx) => start(ctx, null));
  onCallback(feature, cb.feedback, async (ctx) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await start(ctx, null);
  });
  onCallback(feature, cb.feedbackOn, async (ctx, { applicationId }) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await start(ctx, applicationId);
  });
  return feature;
}
