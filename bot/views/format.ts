/** Dates as the bot writes them come from the one formatter of panel and bot. */
export { formatDate, formatDateTime, formatDay } from '../../core/format.ts';

const pad = (n: number) => String(n).padStart(2, '0');

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
