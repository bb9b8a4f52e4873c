import type { MiddlewareFn } from 'grammy';
import type { i18n, TFunction } from 'i18next';
import { LANGUAGES, translator, type Language } from '../../locales/index.ts';
import type { BotContext, BotConversation, ConvContext } from '../context.ts';

/** Until the parent chooses, Russian for a Russian Telegram, Kazakh otherwise. */
export function guessLanguage(code: string | undefined): Language {
  return code?.toLowerCase().startsWith('ru') ? 'ru' : 'kk';
}

/** i18next's own `t` for each language, made once. */
export function translators(instance: i18n): Record<Language, TFunction> {
  return Object.fromEntries(LANGUAGES.map((l) => [l, translator(instance, l)])) as Record<Language, TFunction>;
}

/** ctx.t and ctx.lang in the parent's language. */
export function i18nMiddleware(instance: i18n): MiddlewareFn<BotContext> {
  const ts = translators(instance);
  return (ctx, next) => {
    const lang = ctx.session.language ?? guessLanguage(ctx.from?.language_code);
    ctx.lang = lang;
    ctx.t = ts[lang];
    return next();
  };
}

/**
 * The same inside conversations (the plugin builds its own contexts). The language is read
 * from the outside context through `external`, so a change of language in the middle of a
 * conversation applies from the next message on, and a replay sees the language of its time.
 */
export function conversationI18n(instance: i18n) {
  const ts = translators(instance);
  return (conversation: BotConversation): MiddlewareFn<ConvContext>[] => [
    async (ctx, next) => {
      const lang = await conversation.external((outer) => outer.lang);
      ctx.lang = lang;
      ctx.t = ts[lang];
      ctx.translators = ts;
      await next();
    },
  ];
}
