import { Composer } from 'grammy';
import { LANGUAGES } from '../../locales/index.ts';
import type { BotContext } from '../context.ts';
import { languageKeyboard } from '../keyboards/common.ts';

/** /start: a greeting in both languages and the choice of language. */
export function startFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('start', async (ctx) => {
    const greeting = LANGUAGES.map((lang) => ctx.i18n.getFixedT(lang)('bot.start.greeting')).join('\n\n');
    await ctx.reply(greeting, { reply_markup: languageKeyboard(ctx.t) });
  });
  return feature;
}
