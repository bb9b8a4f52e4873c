/**
 * The panel's texts come from the same locale files as the bot (locales/<lang>/*.json):
 * react-admin's own messages (ra.json), the shared ones (common.json: statuses, categories,
 * error codes) and the panel's (admin.json). Like the bot, it runs on i18next: one syntax
 * for placeholders ({{name}}) and for plurals (key_one, key_few, key_many, key_other, chosen
 * by the language's plural rules). react-admin passes `smart_count`; ra-i18n-i18next hands it
 * to i18next as `count`.
 */
import i18next from 'i18next';
import { getI18nProvider } from 'ra-i18n-i18next';
import kkAdmin from '../../../locales/kk/admin.json';
import kkCommon from '../../../locales/kk/common.json';
import kkRa from '../../../locales/kk/ra.json';
import ruAdmin from '../../../locales/ru/admin.json';
import ruCommon from '../../../locales/ru/common.json';
import ruRa from '../../../locales/ru/ra.json';

export type Locale = 'kk' | 'ru';

const LOCALES: Locale[] = ['kk', 'ru'];
/** Each language named in itself, from its own locale file (common.json languageName). */
const languageNames: Record<Locale, string> = { kk: kkCommon.languageName.kk, ru: ruCommon.languageName.ru };

const STORED = 'RaStore.locale';

function initialLocale(): Locale {
  try {
    const stored = JSON.parse(localStorage.getItem(STORED) ?? 'null') as unknown;
    if (stored === 'kk' || stored === 'ru') return stored;
  } catch {
    // A broken stored value (or no localStorage): fall back to Kazakh, the state language.
  }
  return 'kk';
}

/** Exported for tests: they ask it whether a key exists. */
export const i18nextInstance = i18next.createInstance();

export const i18nProvider = await getI18nProvider(
  i18nextInstance,
  {
    resources: {
      kk: { translation: { ...kkRa, ...kkCommon, ...kkAdmin } },
      ru: { translation: { ...ruRa, ...ruCommon, ...ruAdmin } },
    },
    lng: initialLocale(),
    // A missing key shows as the key, not as the other language's text.
    fallbackLng: false,
    supportedLngs: LOCALES,
    // React escapes; and react-admin passes literal labels as keys, which may hold a colon.
    interpolation: { escapeValue: false },
    nsSeparator: false,
    returnNull: false,
  },
  LOCALES.map((locale) => ({ locale, name: languageNames[locale] })),
);
