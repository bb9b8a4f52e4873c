import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import { cb } from '../callbacks.ts';

/** The language buttons, each named in its own language (the same text in both locale files). */
export const languageKeyboard = (t: TFunction): InlineKeyboard =>
  new InlineKeyboard().text(t('languageName.kk'), cb.language.encode({ language: 'kk' })).text(t('languageName.ru'), cb.language.encode({ language: 'ru' }));

/** The keyboard without empty rows (builders leave one after a trailing row()); Telegram wants none. */
export function tidy(keyboard: InlineKeyboard): InlineKeyboard {
  return new InlineKeyboard(keyboard.inline_keyboard.filter((row) => row.length > 0));
}

/** Back and Cancel under a question (bot/callbacks.ts: `q:` buttons belong to the question, `nav:` to every step). */
export function withNav(keyboard: InlineKeyboard, t: TFunction, nav: { back?: boolean; cancel?: boolean } = {}): InlineKeyboard {
  const kb = tidy(keyboard);
  const back = nav.back ?? true;
  const cancel = nav.cancel ?? true;
  if (back || cancel) kb.row();
  if (back) kb.text(t('bot.nav.back'), cb.back.encode());
  if (cancel) kb.text(t('bot.nav.cancel'), cb.cancel.encode());
  return tidy(kb);
}

/** Buttons in rows of `perRow`. */
export function grid(items: { text: string; data: string }[], perRow: number): InlineKeyboard {
  const kb = new InlineKeyboard();
  items.forEach((item, i) => {
    if (i > 0 && i % perRow === 0) kb.row();
    kb.text(item.text, item.data);
  });
  return kb;
}
