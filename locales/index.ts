import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';

import { LANGUAGES, type Language } from './languages.ts';

export { LANGUAGES, type Language };
export const localesDir = fileURLToPath(new URL('.', import.meta.url));

type Tree = { [key: string]: string | Tree };

export function loadResources(): Record<Language, Tree> {
  const read = (lang: Language): Tree => {
    const dir = join(localesDir, lang);
    const merged: Tree = {};
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      Object.assign(merged, JSON.parse(readFileSync(join(dir, file), 'utf8')) as Tree);
    }
    return merged;
  };
  return { kk: read('kk'), ru: read('ru') };
}

export async function createI18n(): Promise<i18n> {
  const instance = i18next.createInstance();
  const resources = loadResources();
  await instance.init({
    resources: { kk: { translation: resources.kk }, ru: { translation: resources.ru } },
    lng: 'kk',
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

export function translator(instance: i18n, lang: Language): TFunction {
  return instance.getFixedT(lang);
}
