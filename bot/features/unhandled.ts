import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { mainMenu } from '../keyboards/main-menu.ts';

/** Last: whatever no feature took gets a short pointer to the menu; an old button says so. */
export function unhandledFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: ctx.t('bot.nav.outdated') }).catch(() => {}));
  feature.on('message', (ctx) => ctx.reply(ctx.t('bot.unhandled'), { reply_markup: mainMenu(ctx.t) }));
  return feature;
}
