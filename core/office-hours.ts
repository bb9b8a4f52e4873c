/** SPEC "Schedule". */
import { localDate, localParts, startOfLocalDay } from './calendar.ts';
import { holidaysOf, isWorkingDay, nextWorkingDay } from './working-days.ts';

/** Minutes after midnight, Almaty time. */
const OFFICE_HOURS = [
  [9 * 60, 13 * 60],
  [14 * 60 + 30, 17 * 60 + 30],
] as const;
const CENTRE_HOURS = [[9 * 60, 20 * 60]] as const;

type Hours = readonly (readonly [number, number])[];

const within = (hours: Hours, minutes: number) => hours.some(([from, to]) => minutes >= from && minutes < to);

function wallClock(at: Date) {
  const p = localParts(at);
  return { day: localDate(at), minutes: p.hour * 60 + p.minute, weekday: p.weekday, year: p.year };
}

function at(day: string, minutes: number): Date {
  return new Date(startOfLocalDay(day).getTime() + minutes * 60_000);
}

export function officeOpen(instant: Date): boolean {
  const t = wallClock(instant);
  return isWorkingDay(t.day) && within(OFFICE_HOURS, t.minutes);
}

export function centreOpen(instant: Date): boolean {
  const t = wallClock(instant);
  return t.weekday !== 7 && !holidaysOf(t.year).has(t.day) && within(CENTRE_HOURS, t.minutes);
}

/** The first moment at or after `instant` when the office (and the department behind it) is at work. */
export function nextOfficeMoment(instant: Date): Date {
  const t = wallClock(instant);
  if (isWorkingDay(t.day)) {
    for (const [from, to] of OFFICE_HOURS) {
      if (t.minutes < from) return at(t.day, from);
      if (t.minutes < to) return instant;
    }
  }
  return at(nextWorkingDay(t.day), OFFICE_HOURS[0][0]);
}
