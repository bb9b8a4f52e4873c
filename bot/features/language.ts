import { Composer } from 'grammy';
import { setTelegramLanguage } from '../../core/parent-view.ts';
import { cb, onCallback } from '../callbacks.ts';
import type { BotContext } from '../context.ts';
import { translator } from '../../locales/index.ts';
import { languageKeyboard } from '../keyboards/common.ts';
import { mainMenu, type MenuItem } from '../keyboards/main-menu.ts';

/** /language and the menu button: Қазақша / Русский, stored in the session and with the applicant. */
export function languageFeature(labels: Record<MenuItem, string[]>): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const ask = (ctx: BotContext) => ctx.reply(ctx.t('bot.language.choose'), { reply_markup: languageKeyboard(ctx.t) });
  feature.command('language', ask);
  feature.hears(labels.language, ask);
  onCallback(feature, cb.language, async (ctx, { language: lang }) => {
    ctx.session.language = lang;
    ctx.lang = lang;
    ctx.t = translator(ctx.i18n, lang);
    await setTelegramLanguage(ctx.db, ctx.from.id, lang);
    await ctx.answerCallbackQuery().catch(() => {});
    await ctx.editMessageReplyMarkup().catch(() => {});
    // In the middle of an application the menu's introduction would read as if it had ended.
    const inDialog = Object.keys(ctx.conversation.active()).length > 0;
    const text = inDialog ? ctx.t('bot.language.saved') : `${ctx.t('bot.language.saved')}\n\n${ctx.t('bot.menu.intro')}`;
    await ctx.reply(text, { reply_markup: mainMenu(ctx.t) });
  });
  return feature;
}
