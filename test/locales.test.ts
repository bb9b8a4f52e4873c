import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createI18n, localesDir } from '../locales/index.ts';

type Tree = { [key: string]: string | Tree };
const keysOf = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`)));
// A set: plural forms ("a |||| b |||| c") repeat a placeholder as often as the language has forms.
const placeholders = (s: string) => [...new Set([...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]))].sort();

describe('locales', () => {
  const files = readdirSync(join(localesDir, 'kk')).filter((f) => f.endsWith('.json'));

  it('has the same files in Kazakh and Russian', () => {
    expect(readdirSync(join(localesDir, 'ru')).filter((f) => f.endsWith('.json')).sort()).toEqual(files.sort());
  });

  it.each(files)('%s: every key exists in both languages with the same placeholders and no empty text', (file) => {
    const kk = JSON.parse(readFileSync(join(localesDir, 'kk', file), 'utf8')) as Tree;
    const ru = JSON.parse(readFileSync(join(localesDir, 'ru', file), 'utf8')) as Tree;
    expect(keysOf(kk).sort()).toEqual(keysOf(ru).sort());
    const flat = (t: Tree) => Object.fromEntries(keysOf(t).map((k) => [k, k.split('.').reduce<unknown>((o, p) => (o as Tree)[p], t) as string]));
    const fk = flat(kk);
    const fr = flat(ru);
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
