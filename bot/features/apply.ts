import { Composer, InlineKeyboard } from 'grammy';
import { cb, onCallback } from '../callbacks.ts';
import type { BotContext } from '../context.ts';
import { mainMenu, type MenuItem } from '../keyboards/main-menu.ts';

/** Entry to the application conversation (bot/conversations/apply.ts) and /cancel outside it. */
export function applyFeature(labels: Record<MenuItem, string[]>): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const start = async (ctx: BotContext) => {
    if (ctx.conversation.active('apply')) {
      await ctx.reply(ctx.t('bot.apply.busy'), {
        reply_markup: new InlineKeyboard().text(ctx.t('bot.apply.restart'), cb.applyRestart.encode()),
      });
      return;
    }
    await ctx.conversation.exitAll();
    await ctx.conversation.enter('apply');
  };
  feature.command('apply', start);
  feature.hears(labels.apply, start);
  onCallback(feature, cb.applyRestart, async (ctx) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await ctx.conversation.exitAll();
    await ctx.conversation.enter('apply');
  });
  feature.command('cancel', async (ctx) => {
    await ctx.conversation.exitAll();
    await ctx.reply(ctx.t('bot.menu.hint'), { reply_markup: mainMenu(ctx.t) });
  });
  return feature;
}
