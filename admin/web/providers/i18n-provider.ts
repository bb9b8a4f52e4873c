/** The bot's locale files and i18next; react-admin's `smart_count` reaches i18next as `count` (ra-i18n-i18next). */
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
