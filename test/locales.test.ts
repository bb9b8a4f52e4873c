import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createI18n, localesDir } from '../locales/index.ts';

type Tree = { [key: string]: string | Tree };
const keysOf = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`)));
const placeholders = (s: string) => [...new Set([...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]))].sort();
// i18next plurals: key_one, key_few… with exactly the forms the language's plural rules have
// (Kazakh: one, other; Russian: one, few, many, other).
const PLURAL = /_(zero|one|two|few|many|other)$/;
const base = (key: string) => key.replace(PLURAL, '');
/** Text of each key, plural forms joined under their base key. */
const texts = (flat: Record<string, string>) => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(flat)) out[base(k)] = out[base(k)] === undefined ? v : `${out[base(k)]} ${v}`;
  return out;
};

describe('locales', () => {
  const files = readdirSync(join(localesDir, 'kk')).filter((f) => f.endsWith('.json'));

  it('has the same files in Kazakh and Russian', () => {
    expect(readdirSync(join(localesDir, 'ru')).filter((f) => f.endsWith('.json')).sort()).toEqual(files.sort());
  });

  it.each(files)('%s: every key exists in both languages with the same placeholders and no empty text', (file) => {
    const kk = JSON.parse(readFileSync(join(localesDir, 'kk', file), 'utf8')) as Tree;
    const ru = JSON.parse(readFileSync(join(localesDir, 'ru', file), 'utf8')) as Tree;
    const flat = (t: Tree) => Object.fromEntries(keysOf(t).map((k) => [k, k.split('.').reduce<unknown>((o, p) => (o as Tree)[p], t) as string]));
    for (const [lang, tree] of [['kk', kk], ['ru', ru]] as const) {
      const forms = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      const plurals = new Map<string, string[]>();
      for (const k of keysOf(tree).filter((k) => PLURAL.test(k))) plurals.set(base(k), [...(plurals.get(base(k)) ?? []), PLURAL.exec(k)![1]!]);
      for (const [k, have] of plurals) expect(have.sort(), `${lang} plural forms of ${k}`).toEqual([...forms].sort());
      // The old polyglot syntax is gone.
      for (const [k, v] of Object.entries(flat(tree))) expect(v, `${lang} ${k}`).not.toMatch(/\|\|\|\||%\{|smart_count/);
    }
    const fk = texts(flat(kk));
    const fr = texts(flat(ru));
    expect(Object.keys(fk).sort()).toEqual(Object.keys(fr).sort());
    for (const key of Object.keys(fk)) {
      expect(fk[key]?.trim(), `kk ${key}`).not.toBe('');
      expect(fr[key]?.trim(), `ru ${key}`).not.toBe('');
      expect(placeholders(fk[key]!), `placeholders of ${key}`).toEqual(placeholders(fr[key]!));
    }
  });

  it('keeps top-level sections in one file each', async () => {
    const seen = new Map<string, string>();
    for (const file of files) {
      for (const section of Object.keys(JSON.parse(readFileSync(join(localesDir, 'kk', file), 'utf8')) as Tree)) {
        expect(seen.get(section), `section ${section} in ${file} and ${seen.get(section)}`).toBeUndefined();
        seen.set(section, file);
      }
    }
    const i18n = await createI18n();
    expect(i18n.getFixedT('ru')('errors.child_too_old', { years: 7 })).toContain('7 лет');
    expect(i18n.getFixedT('kk')('status.registered')).toBe('Кезекте');
  });
});
