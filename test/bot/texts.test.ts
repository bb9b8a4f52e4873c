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
      '❌ № 2026-0000042 өтініш бойынша қызмет көрсетуден бас тартылды.\nСебебі: Бала рұқсат етілген жастан асқан\nТүсініктеме: ЖСН бойынша 7 жаста\n\n(Бұл хабарды бұрын алған болуыңыз мүмкін.)',
    );
    expect(renderNotification(i18n, item('status_lapse', 'ru', { reason: 'confirm_window_passed' })).text).toContain('Причина: место не подтверждено вовремя');
    expect(renderNotification(i18n, item('status_remove', 'ru', { reason: 'some_new_code' })).text).toBe('Заявление № 2026-0000042 снято с очереди.');
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
