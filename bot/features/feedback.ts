import { Composer } from 'grammy';
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
  feature.callbackQuery(/^fb:start(?::(\d+))?$/, async (ctx) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await start(ctx, ctx.match[1] ? Number(ctx.match[1]) : null);
  });
  return feature;
}
