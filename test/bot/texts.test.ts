/** Texts without a database: notification texts, file checks, dates. */
import { describe, expect, it } from 'vitest';
import { renderNotification } from '../../bot/views/notification.ts';
import { formatDay, formatShift, parseDay } from '../../bot/views/format.ts';
import { checkDocumentFile, checkDocumentSize } from '../../core/documents.ts';
import type { OutboxItem } from '../../core/outbox.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { createI18n, loadResources, LANGUAGES } from '../../locales/index.ts';
import { EXE, PDF, PNG } from '../support/bot.ts';

type Tree = { [key: string]: string | Tree };
const leaves = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v, `${prefix}${k}.`)));

describe('notification texts', () => {
  const item = (kind: string, language: 'kk' | 'ru', params: OutboxItem['params'] = {}): OutboxItem => ({
    id: 1,
    applicantId: 1,
    applicationId: 5,
    kind,
    priority: 0,
    params: { number: '2026-0000042', ...params },
    attempts: 1,
    chatId: 1,
    unreachable: false,
    language,
    uncertain: false,
  });

  it('renders every kind in both languages with every placeholder filled', async () => {
    const i18n = await createI18n();
    const kinds = Object.keys(loadResources().kk.notifications as Tree).filter((k) => /^(status|priority|referral|reminder)_/.test(k));
    expect(kinds.length).toBeGreaterThan(10);
    const params = { referral: '2026-000007', kindergarten: 12, kindergartenKk: '№ 12 "Балапан" балабақшасы', kindergartenRu: 'Детский сад № 12 "Балапан"', deadline: '2026-03-05' };
    for (const lang of LANGUAGES) {
      for (const kind of kinds) {
        const { text } = renderNotification(i18n, item(kind, lang, params));
        expect(text, `${lang} ${kind}`).not.toMatch(/\{\{|notifications\./);
        expect(text).toContain('2026-0000042');
      }
    }
    expect(renderNotification(i18n, item('status_offer', 'ru', params)).text).toBe(
      '🎉 Заявление № 2026-0000042: ребёнку предложено место — Детский сад № 12 "Балапан". Подтвердите его до 05.03.2026, иначе место перейдёт следующему ребёнку.',
    );
    expect(renderNotification(i18n, item('status_offer', 'kk', { ...params, kindergartenKk: null })).text).toContain('— № 12.');
  });

  it('translates known reasons, omits unknown codes, and says when it may repeat', async () => {
    const i18n = await createI18n();
    const refused = renderNotification(i18n, { ...item('status_refuse', 'kk', { reason: 'age_over_limit', comment: 'ЖСН бойынша 7 жаста' }), uncertain: true });
    expect(refused.text).toBe(
      '❌ № 2026-0000042 өтініш бойынша қызмет көрсетуден бас тартылды.\nСебебі: Бала рұқсат етілген жастан асқан\nТүсініктеме: ЖСН бойынша 7 жаста\n\n' +
        'Не істеуге болады: себебін жойып, жаңа өтініш беру («📝 Өтініш беру») немесе шешімге шағым беру («ℹ️ Анықтама» → «📝 Шағым»). Сұрақтар бойынша — білім бөлімі немесе 1414 бірыңғай байланыс орталығы.' +
        '\n\n(Бұл хабарды бұрын алған болуыңыз мүмкін.)',
    );
    expect(renderNotification(i18n, item('status_lapse', 'ru', { reason: 'confirm_window_passed' })).text).toContain('Причина: место не подтверждено вовремя');
    expect(renderNotification(i18n, item('status_remove', 'ru', { reason: 'some_new_code' })).text.split('\n')[0]).toBe('Заявление № 2026-0000042 снято с очереди.');
  });

  it('ends a refusal, a lapse and a removal with what the parent can do next', async () => {
    const i18n = await createI18n();
    for (const lang of LANGUAGES) {
      for (const kind of ['status_refuse', 'status_lapse', 'status_remove', 'priority_rejected']) {
        const { text } = renderNotification(i18n, item(kind, lang, { reason: 'other' }));
        expect(text.split('\n').at(-1), `${lang} ${kind}`).toBe(i18n.getFixedT(lang)(`notifications.next.${kind}`));
      }
    }
  });

  it('tells a lapsed offer from a lapsed referral, with the stop list and its last day', async () => {
    const i18n = await createI18n();
    const offer = renderNotification(i18n, item('status_lapse', 'ru', { reason: 'confirm_window_passed', stopDays: 10, stopUntil: '2026-03-15' })).text;
    // No referral was ever issued for an offer that was not confirmed.
    expect(offer).not.toMatch(/направлени/i);
    expect(offer).toContain('Стоп-лист на 10 дн.: до 15.03.2026');
    const kk = renderNotification(i18n, item('status_lapse', 'kk', { reason: 'confirm_window_passed', stopDays: 10, stopUntil: '2026-03-15' })).text;
    expect(kk).not.toMatch(/жолдама/i);
    expect(kk).toContain('10 күн бойы балаға орын ұсынылмайды, мерзімі: 15.03.2026');
    expect(renderNotification(i18n, item('status_lapse', 'ru', { reason: 'present_window_passed' })).text).toContain('направление не передано');
  });

  it('says a benefit is confirmed only when it is', async () => {
    const i18n = await createI18n();
    for (const lang of LANGUAGES) {
      const texts = ['verified', 'rejected', 'expired'].map((d) => renderNotification(i18n, item(`priority_${d}`, lang)).text);
      expect(new Set(texts).size, lang).toBe(3);
      const confirmed = i18n.getFixedT(lang)('notifications.priority_verified', { number: '2026-0000042' });
      expect(texts.slice(1).some((t) => t.includes(confirmed))).toBe(false);
    }
  });
});

describe('files a parent sends', () => {
  it('are judged by their first bytes and size, not their name', () => {
    expect(checkDocumentFile(PNG, defaultPolicy)).toEqual({ ok: true, mimeType: 'image/png' });
    expect(checkDocumentFile(PDF, defaultPolicy)).toEqual({ ok: true, mimeType: 'application/pdf' });
    expect(checkDocumentFile(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2]), defaultPolicy)).toEqual({ ok: true, mimeType: 'image/jpeg' });
    expect(checkDocumentFile(EXE, defaultPolicy)).toEqual({ ok: false, error: { field: 'file', code: 'document_type' } });
    expect(checkDocumentFile(new TextEncoder().encode('<html>%PDF-'), defaultPolicy)).toMatchObject({ ok: false });
    const big = new Uint8Array(defaultPolicy.maxDocumentBytes + 1);
    big.set(PNG);
    expect(checkDocumentFile(big, defaultPolicy)).toEqual({ ok: false, error: { field: 'file', code: 'document_too_large', params: { max: 10 } } });
    expect(checkDocumentSize(defaultPolicy.maxDocumentBytes, defaultPolicy)).toBeNull();
  });
});

describe('dates as parents type them', () => {
  it('parses day.month.year and refuses impossible dates', () => {
    expect(parseDay('15.01.2025')).toBe('2025-01-15');
    expect(parseDay(' 5/1/2025 ')).toBe('2025-01-05');
    expect(parseDay('2025-01-15')).toBe('2025-01-15');
    expect(parseDay('29.02.2024')).toBe('2024-02-29');
    expect(parseDay('29.02.2023')).toBeNull();
    expect(parseDay('31.04.2025')).toBeNull();
    expect(parseDay('15.01.25')).toBeNull();
    expect(formatDay('2025-01-15')).toBe('15.01.2025');
    expect([formatShift(-3), formatShift(2), formatShift(0)]).toEqual(['−3', '+2', '0']);
  });
});

/**
 * Every key the bot puts on a button (`.text(t('…'))`, `requestContact(t('…'))`, `{ text: t('…') }`
 * in a grid), with the literal text the code puts before it, rendered with long realistic values:
 * Telegram cuts a long label on a phone, so the glossary allows 28 characters.
 */
const NEVER_ON_BUTTONS = new Set(['bot.documentKind.referral', 'bot.documentKind.registration_notice']);

describe('bot button labels', () => {
  it('fit 28 characters in both languages', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const root = join(import.meta.dirname, '..', '..');
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const labels: { prefix: string; key: string }[] = [];
    for (const file of walk(join(root, 'bot'))) {
      const src = readFileSync(file, 'utf8');
      const re = /(?:\.text\(|requestContact\(|\btext:\s*)(?:`([^`$]*(?:\$\{[^}]*\}[^`$]*)*?)\$\{)?\s*(?:\w+\.)?t\(\s*(['`])([\w.]+(?:\$\{[^}]+\}[\w.]*)*)\2/g;
      for (const m of src.matchAll(re)) {
        if (/answerCallbackQuery\(\{\s*$/.test(src.slice(Math.max(0, m.index - 40), m.index))) continue; // a toast, not a button
        labels.push({ prefix: (m[1] ?? '').replace(/\$\{[^}]*\}/g, '10'), key: m[3]! });
      }
    }
    expect(labels.length).toBeGreaterThan(30);
    const i18n = await createI18n();
    const resources = loadResources();
    const values = { number: '2026-0001234', max: 10, kind: 'Жеңілдікті растайтын құжат', name: 'Абдрахманова Айгерім', count: 10 };
    const long: string[] = [];
    for (const lang of LANGUAGES) {
      const t = i18n.getFixedT(lang);
      const tree = (path: string) => path.split('.').reduce<unknown>((o, p) => (o as Tree | undefined)?.[p], resources[lang]);
      for (const { prefix, key } of labels) {
        // `bot.documentKind.${k}` stands for every child of bot.documentKind, except the documents the
        // office issues: a parent never sends those, so they are never buttons (core/parent-view.ts lists what is missing).
        const base = key.split('${')[0]!.replace(/\.$/, '');
        const keys = key.includes('${') ? leaves(tree(base) as Tree, `${base}.`).map(([k]) => k).filter((k) => !NEVER_ON_BUTTONS.has(k)) : [key];
        for (const k of keys) {
          const label = prefix + t(k, values);
          if ([...label].length > 28) long.push(`${lang} ${k}: ${label} (${[...label].length})`);
        }
      }
    }
    expect(long).toEqual([]);
  });
});
