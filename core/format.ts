/**
 * Dates, numbers and the order of names as Kazakh and Russian write them, in Almaty time: one
 * formatter for the panel, the bot, the exports and the documents. The panel's bundle imports it
 * (admin/web/build.ts), so it stays free of Node.
 *
 * Explicit patterns, not `toLocaleString('kk-KZ')`: the ICU data of Chromium and Node writes
 * Kazakh dates ISO-like (2026-12-02 06:20) and Kazakh numbers the English way (4,501), while
 * both languages write 02.12.2026 06:20 and 4 501 in Kazakhstan.
 */
import { localParts } from './calendar.ts';
import type { Language } from '../locales/languages.ts';

export type Locale = Language;

const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-03-05 (or an ISO instant's date part as written) → 05.03.2026. */
export function formatDay(day: string): string {
  const [y, m, d] = day.slice(0, 10).split('-');
  return `${d}.${m}.${y}`;
}

/** A day of any year, 01.08. */
export function formatMonthDay(md: { month: number; day: number }): string {
  return `${pad(md.day)}.${pad(md.month)}`;
}

const dates = new Map<number, string>();

function instantOf(value: Date | string | number): number | null {
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** An instant as its Almaty date, 05.03.2026 (remembered: Intl is slow and lists repeat dates). */
export function formatDate(instant: Date | string | number): string {
  const ms = instantOf(instant);
  if (ms === null) return '';
  let text = dates.get(ms);
  if (text === undefined) {
    const p = localParts(new Date(ms));
    text = `${pad(p.day)}.${pad(p.month)}.${p.year}`;
    if (dates.size >= 10_000) dates.clear();
    dates.set(ms, text);
  }
  return text;
}

/** An instant in Almaty time, 05.03.2026 14:05. */
export function formatDateTime(instant: Date | string | number): string {
  const ms = instantOf(instant);
  if (ms === null) return '';
  const p = localParts(new Date(ms));
  return `${pad(p.day)}.${pad(p.month)}.${p.year} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** The Almaty wall-clock time of an instant, 14:05. */
export function formatTime(instant: Date | string | number): string {
  const ms = instantOf(instant);
  if (ms === null) return '';
  const p = localParts(new Date(ms));
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * Russian number rules for both languages (4 501; 91,3 %): Kazakhstan writes Kazakh numbers so,
 * and browsers' Kazakh number data is often missing.
 */
const numbers = new Intl.NumberFormat('ru-RU');
const percents = new Intl.NumberFormat('ru-RU', { style: 'percent', maximumFractionDigits: 1 });

export function formatNumber(n: number): string {
  return numbers.format(n);
}

export function formatPercent(share: number | null): string {
  return share === null ? '—' : percents.format(share);
}

/** Kazakh order puts Ә right after А, Ғ after Г and so on; a byte or Russian order puts them last. */
const collators: Record<Locale, Intl.Collator> = {
  kk: new Intl.Collator('kk', { sensitivity: 'base', numeric: true }),
  ru: new Intl.Collator('ru', { sensitivity: 'base', numeric: true }),
};

export function compareNames(locale: Locale, a: string, b: string): number {
  return collators[locale].compare(a, b);
}

/** A copy of `items` in the language's alphabetical order of `name(item)`. */
export function sortByName<T>(items: readonly T[], locale: Locale, name: (item: T) => string): T[] {
  return [...items].sort((x, y) => compareNames(locale, name(x), name(y)));
}
