import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateApplication } from '../core/applications.ts';
import { makeIin } from '../core/iin.ts';
import { nameProblem } from '../core/person-name.ts';
import { policySchema } from '../core/policy.ts';
import { createI18n, loadResources, localesDir } from '../locales/index.ts';

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
      // Every form the language uses is there. Kazakh also carries Russian's few/many, equal to its
      // other, so both files hold the same keys for translators and tools.
      for (const [k, have] of plurals) expect(have.filter((f) => forms.includes(f as Intl.LDMLPluralRule)).sort(), `${lang} plural forms of ${k}`).toEqual([...forms].sort());
      if (lang === 'kk') {
        const t = flat(tree);
        for (const [k, have] of plurals) for (const f of have.filter((f) => !forms.includes(f as Intl.LDMLPluralRule))) expect(t[`${k}_${f}`], `kk ${k}_${f}`).toBe(t[`${k}_other`]);
      }
      // The old polyglot syntax is gone.
      for (const [k, v] of Object.entries(flat(tree))) expect(v, `${lang} ${k}`).not.toMatch(/\|\|\|\||%\{|smart_count/);
    }
    // The same keys, plural forms included.
    expect(keysOf(kk).sort()).toEqual(keysOf(ru).sort());
    const fk = texts(flat(kk));
    const fr = texts(flat(ru));
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
    expect(i18n.getFixedT('ru')('errors.child_too_old', { years: 7 })).toContain('полных лет: 7');
    expect(i18n.getFixedT('kk')('status.registered')).toBe('Кезекте');
  });
});

type Leaf = { lang: string; file: string; key: string; text: string };
const leavesOf = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leavesOf(v, `${prefix}${k}.`)));
const allLeaves = (): Leaf[] =>
  ['kk', 'ru'].flatMap((lang) =>
    readdirSync(join(localesDir, lang))
      .filter((f) => f.endsWith('.json'))
      .flatMap((file) =>
        leavesOf(JSON.parse(readFileSync(join(localesDir, lang, file), 'utf8')) as Tree).map(([key, text]) => ({ lang, file, key, text })),
      ),
  );

/**
 * Words after a Kazakh placeholder that need a case ending on it (дейін wants the dative,
 * бастап/кейін the ablative, қоса алғанда the accusative…) or are an ending written apart:
 * the right form depends on the value's last sound, which the text cannot know.
 */
const NEEDS_ENDING = new Set(
  ('дейін шейін қоса бастап кейін бері соң бұрын астам артық гөрі мен бен пен ма ме ба бе па пе ' +
    'ға ге қа ке на а е да де та те нда нде дан ден тан тен нан нен ны ні ды ді ты ті н ын ін ның нің дың дің тың тің ң ы і ' +
    'ші шы інші ыншы сы сі кешіктірмей кешіктірілмей')
    .split(' '),
);
function gluedEndings(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\{\{\s*\w+\s*\}\}(?:(\p{L})|-(\p{L}+)|\s+-?(\p{L}+))?/gu)) {
    // Letters right after the braces; or "-ден" (but "{{n}}-таңдау", an ordinal with its noun, is fine); or a word apart.
    const [, letter, hyphened, apart] = m;
    if (letter || (hyphened && NEEDS_ENDING.has(hyphened.toLowerCase())) || (apart && NEEDS_ENDING.has(apart.toLowerCase()))) found.push(m[0]);
  }
  return found;
}

describe('how texts are written (GLOSSARY.md)', () => {
  it('finds a case ending glued to a placeholder, and only that', () => {
    expect(gluedEndings('{{date}} дейін')).toHaveLength(1);
    expect(gluedEndings('{{within}}-і')).toHaveLength(1);
    expect(gluedEndings('{{offsetEnd}}-ден көп')).toHaveLength(1);
    expect(gluedEndings('{{from}} мен {{to}}')).toHaveLength(1);
    expect(gluedEndings('{{n}}ші')).toHaveLength(1);
    expect(gluedEndings('{{date}} күнін қоса алғанда, мерзімі: {{deadline}}. {{n}}-таңдау, {{a}}-{{b}}, {{max}} не одан аз')).toHaveLength(0);
  });

  it.each(readdirSync(join(localesDir, 'kk')).filter((f) => f.endsWith('.json')))('%s: glues no Kazakh case ending to a placeholder', (file) => {
    const bad = allLeaves()
      .filter((l) => l.lang === 'kk' && l.file === file)
      .flatMap((l) => gluedEndings(l.text).map((g) => `${l.key}: ${g}`));
    expect(bad).toEqual([]);
  });

  it('writes every Cyrillic word in Cyrillic letters only', () => {
    const mixed = (text: string) =>
      [...text.matchAll(/\p{L}+/gu)].map((m) => m[0]).filter((w) => /\p{Script=Cyrillic}/u.test(w) && /\p{Script=Latin}/u.test(w));
    expect(mixed('Бiлiм Telegram-бот')).toEqual(['Бiлiм']);
    const bad = allLeaves().flatMap((l) => mixed(l.text).map((w) => `${l.lang}/${l.file} ${l.key}: ${w}`));
    expect(bad).toEqual([]);
  });
});

/** Keys the code names literally: t('…'), ctx.t('…'), translate('…'); a `${…}` part stands for any child. */
function keysInCode(): { key: string; where: string }[] {
  const out: { key: string; where: string }[] = [];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? (e.name === 'node_modules' || e.name === 'dist' ? [] : walk(join(dir, e.name))) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
    );
  const root = join(localesDir, '..');
  for (const file of ['bot', 'core', 'admin'].flatMap((d) => walk(join(root, d)))) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\b(?:t|translate)\(\s*(['`])([a-zA-Z][\w.]*(?:\$\{[^}]+\}[\w.]*)*)\1/g)) {
      out.push({ key: m[2]!, where: `${file.slice(root.length)}` });
    }
  }
  return out;
}

describe('keys used in code', () => {
  it('exist in both languages (a plural key by its _other form)', () => {
    const resources = loadResources();
    const found = keysInCode();
    expect(found.length).toBeGreaterThan(300);
    const missing: string[] = [];
    for (const lang of ['kk', 'ru'] as const) {
      const tree = resources[lang] as Tree;
      const get = (path: string[]) => path.reduce<string | Tree | undefined>((o, p) => (o && typeof o === 'object' ? o[p] : undefined), tree);
      for (const { key, where } of found) {
        const fixed = key.split('${')[0]!.replace(/\.$/, '');
        const dynamic = key.includes('${');
        const node = get(fixed.split('.'));
        const ok = dynamic
          ? typeof node === 'object' || (!fixed.includes('.') && fixed === '')
          : typeof node === 'string' || typeof get([...fixed.split('.').slice(0, -1), `${fixed.split('.').at(-1)}_other`]) === 'string';
        if (!ok && fixed !== '') missing.push(`${lang} ${key} (${where})`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});

describe('plural forms', () => {
  // i18next picks the form with Intl.PluralRules: Russian has one/few/many/other, Kazakh one/other.
  const forms = { ru: ['one', 'few', 'many', 'other'], kk: ['one', 'other'] } as const;
  it('are complete for every counted text in each language', () => {
    expect(new Intl.PluralRules('ru').resolvedOptions().pluralCategories.sort()).toEqual([...forms.ru].sort());
    expect(new Intl.PluralRules('kk').resolvedOptions().pluralCategories.sort()).toEqual([...forms.kk].sort());
    const resources = loadResources();
    const incomplete: string[] = [];
    for (const lang of ['kk', 'ru'] as const) {
      const keys = new Set(leavesOf(resources[lang] as Tree).map(([k]) => k));
      const families = new Set([...keys].map((k) => k.match(/^(.*)_(zero|one|two|few|many|other)$/)?.[1]).filter((k): k is string => !!k));
      for (const family of families) {
        for (const form of forms[lang]) if (!keys.has(`${family}_${form}`)) incomplete.push(`${lang} ${family}_${form}`);
      }
    }
    expect(incomplete).toEqual([]);
  });

  it('leave no Russian noun to agree with a number it cannot see', () => {
    // "{{max}} дней" is wrong for 1, 2, 21: a counted noun needs plural keys, or the number goes after it ("дней: {{max}}").
    const counted = /\{\{\s*\w+\s*\}\}\s+(лет|год|года(?! рождения)|дней|дня|день|минут|минуты|минуту|часов|часа|символов|символа|букв|буквы|раз|раза|месяцев|месяца|мест|места|детей|детских садов|заявлений)(?![\p{L}])/u;
    expect(counted.test('не больше {{max}} раз')).toBe(true);
    expect(counted.test('дети {{year}} года рождения, {{hours}} ч.')).toBe(false);
    const bad = allLeaves()
      .filter((l) => l.lang === 'ru' && !/_(one|few|many|other)$/.test(l.key))
      .filter((l) => counted.test(l.text))
      .map((l) => `${l.file} ${l.key}: ${l.text}`);
    expect(bad).toEqual([]);
  });
});

describe('field errors with a number', () => {
  // A form with one kindergarten too many for a region whose limit is `max`, checked by core as every channel does.
  const tooMany = (max: number) => {
    const child = makeIin('2023-05-05', 'female', 11);
    const result = validateApplication(
      {
        applicant: {
          iin: makeIin('1990-02-02', 'male', 9),
          fullName: 'Сейітқалиева Әсел Нұрланқызы',
          phones: ['+7 701 234 56 78'],
          address: 'Алматы, Абай даңғылы, 10, 5',
          language: 'kk',
          consentAt: new Date('2026-03-10T06:00:00Z'),
        },
        representative: null,
        child: { iin: child, fullName: 'Сейітқали Айсұлу', birthDate: '2023-05-05', birthCertificateNumber: 'I-АЖ 1' },
        districtId: 1,
        language: 'kk',
        kindergartenIds: Array.from({ length: max + 1 }, (_, i) => i + 1),
        channel: 'office',
      },
      new Date('2026-03-10T07:00:00Z'),
      policySchema.parse({ maxKindergartens: max }),
    );
    if (result.ok) throw new Error('expected a field error');
    return result.errors.find((e) => e.code === 'too_many_kindergartens')!;
  };

  it('agree with the number in Russian (1, 2, 5) and read the same in Kazakh', async () => {
    const i18n = await createI18n();
    const ru = i18n.getFixedT('ru');
    const kk = i18n.getFixedT('kk');
    const say = (t: typeof ru, e: { code: string; params?: Record<string, string | number> }) => t(`errors.${e.code}`, e.params ?? {});
    expect([1, 2, 5].map((n) => say(ru, tooMany(n)))).toEqual([
      'Можно выбрать не больше 1 детского сада.',
      'Можно выбрать не больше 2 детских садов.',
      'Можно выбрать не больше 5 детских садов.',
    ]);
    expect(say(kk, tooMany(2))).toBe('2 балабақшадан артық таңдауға болмайды.');
    expect(say(ru, nameProblem('Ан')!)).toBe('Слишком коротко: нужно минимум 3 символа.');
    expect([1, 2, 5, 21].map((count) => ru('errors.extension_used', { count }))).toEqual([
      'Направление уже продлевали, а продлить его можно не больше 1 раза.',
      'Направление уже продлевали, а продлить его можно не больше 2 раз.',
      'Направление уже продлевали, а продлить его можно не больше 5 раз.',
      'Направление уже продлевали, а продлить его можно не больше 21 раза.',
    ]);
    expect([1, 3, 12].map((count) => ru('errors.password_too_short', { count }))).toEqual([
      'Пароль слишком короткий: нужен минимум 1 символ.',
      'Пароль слишком короткий: нужно минимум 3 символа.',
      'Пароль слишком короткий: нужно минимум 12 символов.',
    ]);
  });
});
