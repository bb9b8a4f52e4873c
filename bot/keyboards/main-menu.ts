import { Keyboard } from 'grammy';
import type { i18n, TFunction } from 'i18next';
import { LANGUAGES } from '../../locales/index.ts';

export const MENU_ITEMS = ['apply', 'my', 'help', 'language'] as const;
export type MenuItem = (typeof MENU_ITEMS)[number];

/** The menu that stays under the input field: the four things a parent comes for. */
export function mainMenu(t: TFunction): Keyboard {
  return new Keyboard()
    .text(t('bot.menu.apply'))
    .text(t('bot.menu.my'))
    .row()
    .text(t('bot.menu.help'))
    .text(t('bot.menu.language'))
    .resized()
    .persistent();
}

/** Each menu item's label in every language (a parent may switch language and tap an old keyboard). */
export function menuLabels(instance: i18n): Record<MenuItem, string[]> {
  return Object.fromEntries(
    MENU_ITEMS.map((item) => [item, LANGUAGES.map((l) => instance.getFixedT(l)(`bot.menu.${item}`))]),
  ) as Record<MenuItem, string[]>;
}
