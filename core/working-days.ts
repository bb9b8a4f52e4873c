/**
 * Holidays by year come from `date-holidays` (Law "On holidays in the Republic of Kazakhstan").
 * Added here: the carry-over of a weekend holiday (Labour Code art. 85), which the package gets
 * wrong when two holidays meet (Nauryz 2021); the 2026 Constitution Day change; and the decree
 * transfers of core/day-transfers.ts. Not in the panel's bundle.
 */
import Holidays from 'date-holidays';
import { addDays, endOfLocalDay, localDate, weekdayOf } from './calendar.ts';

const kz = new Holidays('KZ', { types: ['public'] });
// The package starts 15 March in 2026; the Constitution adopted that day took effect on 1 July,
// so 2026 kept neither day (Law No. 267-II as amended, adilet.zan.kz Z010000267_).
// The parser removes a rule given `false`; the package's types leave that overload out.
const removeRule = kz.setHoliday.bind(kz) as unknown as (rule: string, remove: false) => boolean;
removeRule('03-15 and if saturday,sunday then next monday since 2026', false);
kz.setHoliday('03-15 since 2027', { name: { en: 'Constitution Day' }, type: 'public' });

/** Stable keys by the day of the package's rule; a holiday the package adds later gets `holiday_MM-DD`. */
const KEYS: Record<string, string> = {
  '01-01': 'new_year',
  '01-02': 'new_year',
  '01-07': 'orthodox_christmas',
  '03-08': 'womens_day',
  '03-15': 'constitution_day',
  '03-21': 'nauryz',
  '03-22': 'nauryz',
  '03-23': 'nauryz',
  '05-01': 'unity_day',
  '05-07': 'defender_day',
  '05-09': 'victory_day',
  '07-06': 'capital_day',
  '08-30': 'constitution_day',
  '10-25': 'republic_day',
  '12-01': 'first_president_day',
  '12-16': 'independence_day',
  '12-17': 'independence_day',
  '10 Dhu al-Hijjah': 'kurban_ait',
};

/** Days off by law that are not carried over when they fall on a weekend. */
const RELIGIOUS = new Set(['orthodox_christmas', 'kurban_ait']);

interface HolidayDay {
  day: string;
  key: string;
}

function lawHolidays(year: number): HolidayDay[] {
  return kz
    .getHolidays(year)
    .filter((h) => h.type === 'public' && !h.substitute)
    .map((h) => {
      const rule = /^\d{2}-\d{2}/.exec(h.rule)?.[0] ?? h.rule;
      return { day: h.date.slice(0, 10), key: KEYS[rule] ?? `holiday_${rule}` };
    });
}

function isWeekend(day: string): boolean {
  return weekdayOf(day) >= 6;
}

function computeHolidays(year: number): Map<string, string> {
  const lunarLast = (h: HolidayDay) => (h.key === 'kurban_ait' ? 1 : 0);
  const base = [...lawHolidays(year - 1), ...lawHolidays(year), ...lawHolidays(year + 1)].sort((a, b) =>
    a.day < b.day ? -1 : a.day > b.day ? 1 : lunarLast(a) - lunarLast(b),
  );
  const taken = new Map<string, string>();
  // When two holidays share a day (Kurban Ait 2032 on Nauryz), the first listed keeps the key.
  for (const h of base) if (!taken.has(h.day)) taken.set(h.day, h.key);
  for (const h of base) {
    if (RELIGIOUS.has(h.key) || !isWeekend(h.day)) continue;
    let target = addDays(h.day, 1);
    while (isWeekend(target) || taken.has(target)) target = addDays(target, 1);
    taken.set(target, `${h.key}_carry`);
  }
  const prefix = `${String(year).padStart(4, '0')}-`;
  return new Map([...taken].filter(([day]) => day.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const holidayCache = new Map<number, Map<string, string>>();

function holidayMap(year: number): Map<string, string> {
  let map = holidayCache.get(year);
  if (!map) {
    map = computeHolidays(year);
    holidayCache.set(year, map);
  }
  return map;
}

function yearOf(day: string): number {
  weekdayOf(day); // validates the day string
  return Number(day.slice(0, 4));
}

function assertInteger(n: number, name: string): void {
  if (!Number.isInteger(n)) throw new RangeError(`${name} must be an integer, got ${n}`);
}

/** Weekend holidays and carried-over days off (`${key}_carry`) included; decree transfers are not holidays. */
export function holidaysOf(year: number): Map<string, string> {
  assertInteger(year, 'year');
  if (year < 1 || year > 9998) throw new RangeError(`Year out of range: ${year}`);
  return new Map(holidayMap(year));
}

let transfers = new Map<string, boolean>();

export interface DayTransfer {
  day: string;
  working: boolean;
}

export function useDayTransfers(rows: readonly DayTransfer[]): void {
  transfers = new Map(rows.map((r) => [r.day, r.working]));
}

export function isWorkingDayByLaw(day: string): boolean {
  return !isWeekend(day) && !holidayMap(yearOf(day)).has(day);
}

export function isWorkingDay(day: string): boolean {
  return transfers.get(day) ?? isWorkingDayByLaw(day);
}

export function nextWorkingDay(day: string): string {
  let d = addDays(day, 1);
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

export function previousWorkingDay(day: string): string {
  let d = addDays(day, -1);
  while (!isWorkingDay(d)) d = addDays(d, -1);
  return d;
}

/** The day of `from` itself never counts; n = 0 means today, or the next working day. */
export function addWorkingDays(from: Date, n: number): Date {
  assertInteger(n, 'n');
  if (n < 0) throw new RangeError(`n must not be negative, got ${n}`);
  let day = localDate(from);
  if (n === 0) return endOfLocalDay(isWorkingDay(day) ? day : nextWorkingDay(day));
  for (let i = 0; i < n; i++) day = nextWorkingDay(day);
  return endOfLocalDay(day);
}

export function workingDaysBetween(fromDay: string, toDay: string): number {
  weekdayOf(toDay);
  let count = 0;
  for (let d = addDays(fromDay, 1); d <= toDay; d = addDays(d, 1)) if (isWorkingDay(d)) count++;
  return count;
}
