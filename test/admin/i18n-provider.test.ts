import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localesDir } from '../../locales/index.ts';
import { i18nProvider } from '../../admin/web/providers/i18n-provider.ts';

const common = (locale: string) =>
  JSON.parse(readFileSync(join(localesDir, locale, 'common.json'), 'utf8')) as { languageName: Record<string, string> };

describe('the panel language picker', () => {
  it('names each language in itself, as its locale file does', () => {
    expect(i18nProvider.getLocales?.()).toEqual([
      { locale: 'kk', name: common('kk').languageName.kk },
      { locale: 'ru', name: common('ru').languageName.ru },
    ]);
    // The names a Kazakh or Russian speaker looks for, not codes.
    expect(i18nProvider.getLocales?.().map((l) => l.name)).toEqual(['Қазақша', 'Русский']);
  });
});
