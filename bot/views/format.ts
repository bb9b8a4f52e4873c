import { localParts } from '../../core/calendar.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-03-05 → 05.03.2026, as dates are written in Kazakhstan. */
export function formatDay(day: string): string {
  const [y, m, d] = day.slice(0, 10).split('-');
  return `${d}.${m}.${y}`;
}

const dates = new Map<number, string>();

/** An instant as Almaty wall-clock date (remembered: Intl is slow and cards repeat dates). */
export function formatDate(instant: Date | string): string {
  const ms = new Date(instant).getTime();
  let text = dates.get(ms);
  if (text === undefined) {
    const p = localParts(new Date(ms));
    text = `${pad(p.day)}.${pad(p.month)}.${p.year}`;
    if (dates.size >= 10_000) dates.clear();
    dates.set(ms, text);
  }
  return text;
}

export function formatDateTime(instant: Date | string): string {
  const p = localParts(new Date(instant));
  return `${pad(p.day)}.${pad(p.month)}.${p.year} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** 15.01.2025 (or 15/01/2025, 15-01-2025, 2025-01-15) → 2025-01-15, or null. */
export function parseDay(input: string): string | null {
  const s = input.trim();
  let m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || y < 1900) return null;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

/** A signed shift of places: −3 means three places closer to the head. */
export function formatShift(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}
