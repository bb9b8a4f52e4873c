/**
 * The Almaty clock. Offsets come from the runtime's tzdata, never constants: Almaty moved from
 * UTC+6 to UTC+5 on 1 March 2024. Working days are in core/working-days.ts (the panel imports this file).
 */
export const TIME_ZONE = 'Asia/Almaty';

const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

export interface MonthDay {
  month: number;
  day: number;
}

function dayToUtcMs(day: string): number {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`Not a YYYY-MM-DD day: ${JSON.stringify(day)}`);
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const ms = new Date(0).setUTCFullYear(year, month - 1, date);
  if (utcMsToDay(ms) !== day) throw new RangeError(`No such date: ${day}`);
  return ms;
}

function utcMsToDay(ms: number): string {
  const d = new Date(ms);
  return formatDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function formatDay(year: number, month: number, day: number): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function assertInteger(n: number, name: string): void {
  if (!Number.isInteger(n)) throw new RangeError(`${name} must be an integer, got ${n}`);
}

export function addDays(day: string, n: number): string {
  assertInteger(n, 'n');
  return utcMsToDay(dayToUtcMs(day) + n * DAY_MS);
}

export function weekdayOf(day: string): number {
  return new Date(dayToUtcMs(day)).getUTCDay() || 7;
}

// hourCycle h23: with hour12:false some ICU versions print midnight as "24".
const wallClock = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockOf(instant: Date): WallClock {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const p of wallClock.formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    hour: parts.hour ?? NaN,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
  };
}

function offsetAt(ms: number): number {
  const w = wallClockOf(new Date(ms));
  const asUtc = new Date(0).setUTCFullYear(w.year, w.month - 1, w.day);
  const wallMs = asUtc + ((w.hour * 60 + w.minute) * 60 + w.second) * 1000;
  return wallMs - (ms - (((ms % 1000) + 1000) % 1000));
}

export function localParts(instant: Date): LocalParts {
  const w = wallClockOf(instant);
  const day = formatDay(w.year, w.month, w.day);
  return { year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute, weekday: weekdayOf(day) };
}

export function localDate(instant: Date): string {
  const w = wallClockOf(instant);
  return formatDay(w.year, w.month, w.day);
}

/** Tries the offset from a day before and after, so an offset change near midnight is exact. */
export function startOfLocalDay(day: string): Date {
  const midnightAsUtc = dayToUtcMs(day);
  const candidates = [offsetAt(midnightAsUtc - DAY_MS), offsetAt(midnightAsUtc + DAY_MS)]
    .map((offset) => midnightAsUtc - offset)
    .filter((ms) => localDate(new Date(ms)) === day && localDate(new Date(ms - 1)) !== day);
  if (candidates.length === 0) throw new RangeError(`Cannot find the start of ${day} in ${TIME_ZONE}`);
  return new Date(Math.min(...candidates));
}

export function endOfLocalDay(day: string): Date {
  return new Date(startOfLocalDay(addDays(day, 1)).getTime() - 1);
}

export function addCalendarDays(from: Date, n: number): Date {
  return endOfLocalDay(addDays(localDate(from), n));
}

export function isInRange(day: string, from: MonthDay, to: MonthDay): boolean {
  dayToUtcMs(day);
  const key = (md: MonthDay) => {
    if (!Number.isInteger(md.month) || !Number.isInteger(md.day) || md.month < 1 || md.month > 12 || md.day < 1 || md.day > 31) {
      throw new RangeError(`Not a month/day: ${JSON.stringify(md)}`);
    }
    return md.month * 100 + md.day;
  };
  const d = Number(day.slice(5, 7)) * 100 + Number(day.slice(8, 10));
  const [a, b] = [key(from), key(to)];
  return a <= b ? a <= d && d <= b : d >= a || d <= b;
}
