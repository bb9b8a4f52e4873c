/**
 * The panel's texts come from the same locale files as the bot (locales/<lang>/*.json):
 * react-admin's own messages (ra.json), the shared ones (common.json: statuses, categories,
 * error codes) and the panel's (admin.json). Placeholders are {{name}}, as for i18next.
 */
import polyglotI18nProvider from 'ra-i18n-polyglot';
import type { TranslationMessages } from 'react-admin';
import kkAdmin from '../../../locales/kk/admin.json';
import kkCommon from '../../../locales/kk/common.json';
import kkRa from '../../../locales/kk/ra.json';
import ruAdmin from '../../../locales/ru/admin.json';
import ruCommon from '../../../locales/ru/common.json';
import ruRa from '../../../locales/ru/ra.json';

export type Locale = 'kk' | 'ru';

const messages: Record<Locale, TranslationMessages> = {
  kk: { ...kkRa, ...kkCommon, ...kkAdmin } as unknown as TranslationMessages,
  ru: { ...ruRa, ...ruCommon, ...ruAdmin } as unknown as TranslationMessages,
};

const LOCALES: Locale[] = ['kk', 'ru'];
/** Each language named in itself, from its own locale file (common.json languageName). */
const languageNames: Record<Locale, string> = { kk: kkCommon.languageName.kk, ru: ruCommon.languageName.ru };

const STORED = 'RaStore.locale';

function initialLocale(): Locale {
  try {
    const stored = JSON.parse(localStorage.getItem(STORED) ?? 'null') as unknown;
    if (stored === 'kk' || stored === 'ru') return stored;
  } catch {
    // A broken stored value: fall back to Kazakh, the state language.
  }
  return 'kk';
}

export const i18nProvider = polyglotI18nProvider(
  (locale) => messages[locale as Locale] ?? messages.kk,
  initialLocale(),
  LOCALES.map((locale) => ({ locale, name: languageNames[locale] })),
  { allowMissing: true, interpolation: { prefix: '{{', suffix: '}}' } },
);
