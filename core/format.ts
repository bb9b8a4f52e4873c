/**
 * Explicit patterns, not `toLocaleString('kk-KZ')`: Chromium's and Node's ICU write Kazakh dates
 * ISO-like and numbers the English way, while Kazakhstan writes 02.12.2026 and 4 501 in both
 * languages. The panel's bundle imports this file, so it stays free of Node.
 */
import { localParts } from './calendar.ts';
import type { Language } from '../locales/languages.ts';

export type Locale = Language;

const pad = (n: number) => String(n).padStart(2, '0');

export function formatDay(day: string): string {
  const [y, m, d] = day.slice(0, 10).split('-');
  return `${d}.${m}.${y}`;
}

export function formatMonthDay(md: { month: number; day: number }): string {
  return `${pad(md.day)}.${pad(md.month)}`;
}

const dates = new Map<number, string>();

function instantOf(value: Date | string | number): number | null {
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** Memoised: Intl is slow and lists repeat dates. */
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

export function formatDateTime(instant: Date | string | number): string {
  const ms = instantOf(instant);
  if (ms === null) return '';
  const p = localParts(new Date(ms));
  return `${pad(p.day)}.${pad(p.month)}.${p.year} ${pad(p.hour)}:${pad(p.minute)}`;
}

export function formatTime(instant: Date | string | number): string {
  const ms = instantOf(instant);
  if (ms === null) return '';
  const p = localParts(new Date(ms));
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

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

export function sortByName<T>(items: readonly T[], locale: Locale, name: (item: T) => string): T[] {
  return [...items].sort((x, y) => compareNames(locale, name(x), name(y)));
}
