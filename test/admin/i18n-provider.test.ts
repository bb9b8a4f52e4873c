import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localesDir } from '../../locales/index.ts';
import { i18nextInstance, i18nProvider } from '../../admin/web/providers/i18n-provider.ts';

const common = (locale: string) =>
  JSON.parse(readFileSync(join(localesDir, locale, 'common.json'), 'utf8')) as { languageName: Record<string, string> };

afterAll(() => i18nProvider.changeLocale('kk'));

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

describe('plural forms in the panel', () => {
  // react-admin passes smart_count; the panel's own calls pass count. Both choose the form.
  const updated = async (locale: 'kk' | 'ru', n: number) => {
    await i18nProvider.changeLocale(locale);
    return [i18nProvider.translate('ra.notification.updated', { smart_count: n }), i18nProvider.translate('ra.notification.deleted', { count: n })];
  };

  it('Kazakh: the noun stays singular after a number', async () => {
    expect(await updated('kk', 1)).toEqual(['1 жазба жаңартылды', '1 жазба жойылды']);
    expect(await updated('kk', 2)).toEqual(['2 жазба жаңартылды', '2 жазба жойылды']);
    expect(await updated('kk', 5)).toEqual(['5 жазба жаңартылды', '5 жазба жойылды']);
    expect(await updated('kk', 21)).toEqual(['21 жазба жаңартылды', '21 жазба жойылды']);
  });

  it('Russian: one, few and many by the last digits', async () => {
    expect(await updated('ru', 1)).toEqual(['1 запись обновлена', '1 запись удалена']);
    expect(await updated('ru', 2)).toEqual(['2 записи обновлены', '2 записи удалены']);
    expect(await updated('ru', 5)).toEqual(['5 записей обновлено', '5 записей удалено']);
    expect(await updated('ru', 21)).toEqual(['21 запись обновлена', '21 запись удалена']);
    expect(await updated('ru', 11)).toEqual(['11 записей обновлено', '11 записей удалено']);
  });

  it('the bulk selection and the dashboard’s minutes', async () => {
    await i18nProvider.changeLocale('ru');
    const selected = (n: number) => i18nProvider.translate('ra.action.bulk_actions', { smart_count: n });
    expect([1, 2, 5, 21].map(selected)).toEqual(['1 запись выбрана', '2 записи выбраны', '5 записей выбрано', '21 запись выбрана']);
    const hint = (n: number) => i18nProvider.translate('admin.dashboard.deadlineHint', { within: 3, results: 4, count: n });
    expect([1, 2, 5, 21].map(hint)).toEqual([
      '3 из 4 — за 1 минуту (за год)',
      '3 из 4 — за 2 минуты (за год)',
      '3 из 4 — за 5 минут (за год)',
      '3 из 4 — за 21 минуту (за год)',
    ]);
    await i18nProvider.changeLocale('kk');
    expect([1, 2, 5, 21].map(selected)).toEqual(['1 жазба таңдалды', '2 жазба таңдалды', '5 жазба таңдалды', '21 жазба таңдалды']);
    expect(hint(30)).toBe('4 нәтижеден 3 — 30 минут ішінде (бір жыл)');
  });

  it('the panel’s counted hints: days of a certificate check, password length, a resource added later', async () => {
    await i18nProvider.changeLocale('ru');
    const check = (n: number) => i18nProvider.translate('admin.applications.certificate.renew', { validUntil: '10.03.2026', count: n });
    expect([1, 3, 7].map(check)).toEqual([
      'Справка действительна до 10.03.2026 включительно. Проверка новой справки занимает примерно 1 день: заявителю пора прислать новую справку.',
      'Справка действительна до 10.03.2026 включительно. Проверка новой справки занимает примерно 3 дня: заявителю пора прислать новую справку.',
      'Справка действительна до 10.03.2026 включительно. Проверка новой справки занимает примерно 7 дней: заявителю пора прислать новую справку.',
    ]);
    expect(i18nProvider.translate('admin.auth.rules', { count: 12 })).toBe('Минимум 12 символов, без логина.');
    expect(i18nProvider.translate('resources.day-transfers.name', { smart_count: 1 })).toBe('Перенос рабочего дня');
    expect(i18nProvider.translate('resources.day-transfers.name', { smart_count: 2 })).toBe('Переносы рабочих дней');
    await i18nProvider.changeLocale('kk');
    expect(i18nProvider.translate('admin.auth.rules', { count: 12 })).toBe('Кемінде 12 таңба, логинсіз.');
    expect(i18nProvider.translate('resources.day-transfers.name', { smart_count: 2 })).toBe('Жұмыс күндерін ауыстыру');
  });

  it('resource names: singular for one, plural for the menu and titles', async () => {
    for (const [locale, one, many] of [
      ['kk', 'Өтініш', 'Өтініштер'],
      ['ru', 'Заявление', 'Заявления'],
    ] as const) {
      await i18nProvider.changeLocale(locale);
      expect(i18nProvider.translate('resources.applications.name', { smart_count: 1 })).toBe(one);
      // react-admin asks with 2 (menu, list title) and 0 (the empty list).
      expect(i18nProvider.translate('resources.applications.name', { smart_count: 2 })).toBe(many);
      expect(i18nProvider.translate('resources.applications.name', { smart_count: 0 })).toBe(many);
    }
  });
});

describe('react-admin’s own strings', () => {
  it('read right in Russian: no «Нет Заявления.», a number is «числом»', async () => {
    await i18nProvider.changeLocale('ru');
    // The empty list names the resource as react-admin does: its name for 0.
    const empty = i18nProvider.translate('ra.page.empty', { name: i18nProvider.translate('resources.applications.name', { smart_count: 0 }) });
    expect(empty).toBe('Заявления: пока нет.');
    expect(i18nProvider.translate('ra.validation.number')).toBe('Должно быть числом');
    expect(i18nProvider.translate('ra.navigation.page_range_info', { offsetBegin: 1, offsetEnd: 25, total: 40 })).toBe('1–25 из 40');
    await i18nProvider.changeLocale('kk');
    expect(i18nProvider.translate('ra.page.empty', { name: i18nProvider.translate('resources.applications.name', { smart_count: 0 }) })).toBe('Өтініштер: әзірге жоқ.');
  });
});

describe('every key the panel names exists in both languages', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : /\.tsx?$/.test(f) ? [join(dir, f)] : []));
  const web = join(import.meta.dirname, '../../admin/web');
  // Whole keys written as literals in the panel's code: 'admin.x.y', "ra.x", `resources.x.y`.
  const sections = ['ra', 'resources', 'admin', ...Object.keys(JSON.parse(readFileSync(join(localesDir, 'kk', 'common.json'), 'utf8')) as object)];
  const literal = new RegExp(`['"\`]((?:${sections.join('|')})\\.[A-Za-z0-9_.]+)['"\`]`, 'g');
  const keys = [...new Set(files(web).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(literal)].map((m) => m[1]!)))].sort();
  const resources = [...readFileSync(join(web, 'App.tsx'), 'utf8').matchAll(/<Resource name="([\w-]+)"/g)].map((m) => m[1]!);

  it('finds the keys', () => {
    expect(keys.length).toBeGreaterThan(100);
    expect(keys).toContain('ra.notification.updated');
  });

  it.each(['kk', 'ru'])('%s', (lng) => {
    // A key is a text, a plural (key_one…) or a section a component appends to (prefix="admin.roles").
    const missing = keys.filter((key) => !i18nextInstance.exists(key, { lng }) && !i18nextInstance.exists(key, { lng, count: 1 }));
    expect(missing).toEqual([]);
    expect(resources.length).toBeGreaterThan(5);
    for (const name of resources) expect(i18nextInstance.exists(`resources.${name}.name`, { lng, count: 2 }), `resources.${name}.name`).toBe(true);
  });

  it('shows a missing key as the key, not as the other language', async () => {
    await i18nProvider.changeLocale('ru');
    expect(i18nProvider.translate('admin.no_such_key')).toBe('admin.no_such_key');
    expect(i18nProvider.translate('admin.no_such_key', { _: 'Запасной текст' })).toBe('Запасной текст');
  });
});
