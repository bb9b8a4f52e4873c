import { afterEach, describe, it, expect } from 'vitest';
import { TIME_ZONE, addCalendarDays, addDays, endOfLocalDay, isInRange, localDate, localParts, startOfLocalDay, weekdayOf } from '../../core/calendar.ts';
import { addWorkingDays, holidaysOf, isWorkingDay, nextWorkingDay, previousWorkingDay, useDayTransfers, workingDaysBetween } from '../../core/working-days.ts';

/** Independent weekday (1 = Mon … 7 = Sun), so the claims below do not rest on the code under test. */
function utcWeekday(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
}

const MON = 1, TUE = 2, WED = 3, THU = 4, FRI = 5, SAT = 6, SUN = 7;

/** Almaty's UTC offset as ICU prints it, e.g. 'GMT+05:00'. */
function almatyOffset(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' }).formatToParts(new Date(iso));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? '?';
}

// tzdata 2024a moved Almaty from UTC+6 to UTC+5 on 2024-03-01. An older ICU would make every
// post-2024 instant one hour off; say so once instead of failing a dozen tests obscurely.
const TZDATA_HAS_2024A = almatyOffset('2026-01-10T12:00:00Z') === 'GMT+05:00';

describe('premises', () => {
  it('every weekday claimed in these tests is true', () => {
    const claims: [string, number][] = [
      ['2022-01-01', SAT], ['2022-01-02', SUN], ['2022-05-07', SAT], ['2022-05-09', MON], ['2022-05-10', TUE],
      ['2023-01-07', SAT], ['2023-01-09', MON], ['2024-01-07', SUN], ['2024-01-08', MON], ['2024-01-10', WED],
      ['2024-02-29', THU], ['2024-03-01', FRI], ['2024-03-23', SAT], ['2024-03-25', MON],
      ['2025-03-21', FRI], ['2025-03-22', SAT], ['2025-03-23', SUN], ['2025-03-24', MON], ['2025-03-25', TUE],
      ['2026-01-10', SAT], ['2026-01-11', SUN], ['2026-01-12', MON], ['2026-01-16', FRI], ['2026-01-19', MON],
      ['2026-01-20', TUE], ['2026-03-08', SUN], ['2026-03-09', MON], ['2026-03-20', FRI], ['2026-03-21', SAT],
      ['2026-03-22', SUN], ['2026-03-23', MON], ['2026-03-24', TUE], ['2026-03-25', WED], ['2026-03-26', THU],
      ['2026-05-09', SAT], ['2026-05-11', MON], ['2026-05-27', WED], ['2026-08-30', SUN], ['2026-08-31', MON],
      ['2026-10-25', SUN], ['2026-10-26', MON], ['2026-12-17', THU], ['2026-12-31', THU],
      ['2027-01-01', FRI], ['2027-01-02', SAT], ['2027-01-04', MON], ['2027-01-05', TUE], ['2027-01-07', THU],
      ['2027-01-08', FRI], ['2027-03-21', SUN], ['2027-03-24', WED], ['2027-05-16', SUN], ['2027-05-17', MON],
      ['2032-03-22', MON], ['2036-01-02', WED],
    ];
    for (const [day, weekday] of claims) expect(utcWeekday(day), day).toBe(weekday);
  });

  it(`the runtime's tzdata knows Almaty is UTC+5 since 2024-03-01 (tzdata 2024a or later)`, () => {
    expect(
      TZDATA_HAS_2024A,
      `Node's ICU tzdata (tz ${process.versions.tz ?? 'unknown'}) predates 2024a and still puts Asia/Almaty at UTC+6 after ` +
        '2024-03-01. Upgrade Node or its ICU data; the UTC+5 tests below are skipped until then.',
    ).toBe(true);
  });
});

describe('day strings', () => {
  it('adds days across months, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-06-01', 30)).toBe('2026-07-01');
  });

  it('numbers weekdays 1 = Monday … 7 = Sunday', () => {
    expect(weekdayOf('2026-01-12')).toBe(MON);
    expect(weekdayOf('2026-01-16')).toBe(FRI);
    expect(weekdayOf('2026-01-10')).toBe(SAT);
    expect(weekdayOf('2026-01-11')).toBe(SUN);
  });

  it.each(['2026-1-05', '2026-02-30', '2026-02-29', '2026-13-01', '2026-00-10', '', 'tomorrow', '2026-01-05T00:00', ' 2026-01-05'])(
    'rejects %j with a RangeError',
    (bad) => {
      expect(() => weekdayOf(bad)).toThrow(RangeError);
      expect(() => isWorkingDay(bad)).toThrow(RangeError);
      expect(() => addDays(bad, 1)).toThrow(RangeError);
      expect(() => startOfLocalDay(bad)).toThrow(RangeError);
      expect(() => workingDaysBetween(bad, '2026-01-05')).toThrow(RangeError);
      expect(() => workingDaysBetween('2026-01-05', bad)).toThrow(RangeError);
      expect(() => isInRange(bad, { month: 8, day: 1 }, { month: 8, day: 31 })).toThrow(RangeError);
    },
  );

  it('rejects invalid instants and counts', () => {
    expect(() => localDate(new Date('not a date'))).toThrow(RangeError);
    expect(() => addWorkingDays(new Date('not a date'), 1)).toThrow(RangeError);
    expect(() => addDays('2026-01-05', 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays(new Date('2026-01-05T06:00:00Z'), -1)).toThrow(RangeError);
    expect(() => addWorkingDays(new Date('2026-01-05T06:00:00Z'), 0.5)).toThrow(RangeError);
  });
});

describe('weekends and holidays', () => {
  it('weekends are days off, weekdays are not', () => {
    expect(isWorkingDay('2026-01-10')).toBe(false); // Saturday
    expect(isWorkingDay('2026-01-11')).toBe(false); // Sunday
    expect(isWorkingDay('2026-01-12')).toBe(true); // Monday
    expect(isWorkingDay('2026-01-16')).toBe(true); // Friday
  });

  it.each([
    ['2026-01-01', 'new_year'],
    ['2026-01-02', 'new_year'],
    ['2026-01-07', 'orthodox_christmas'],
    ['2026-03-08', 'womens_day'],
    ['2026-03-21', 'nauryz'],
    ['2026-03-22', 'nauryz'],
    ['2026-03-23', 'nauryz'],
    ['2026-05-01', 'unity_day'],
    ['2026-05-07', 'defender_day'],
    ['2026-05-09', 'victory_day'],
    ['2026-07-06', 'capital_day'],
    ['2026-10-25', 'republic_day'],
    ['2026-12-16', 'independence_day'],
    ['2026-05-27', 'kurban_ait'],
  ])('%s is %s and not a working day', (day, key) => {
    expect(holidaysOf(2026).get(day)).toBe(key);
    expect(isWorkingDay(day)).toBe(false);
  });

  it('fixed holidays recur every year', () => {
    expect(holidaysOf(2030).get('2030-10-25')).toBe('republic_day');
    expect(holidaysOf(2019).get('2019-03-22')).toBe('nauryz');
  });

  it('17 December is a working day since 2022, and the day after Kurban Ait is too', () => {
    expect(isWorkingDay('2026-12-17')).toBe(true); // Thursday
    expect(isWorkingDay('2026-05-28')).toBe(true); // Thursday
  });

  it('2026 has exactly these carried-over days', () => {
    // By hand: 8 Mar is a Sunday → Mon 9 Mar. Nauryz 21 (Sat) and 22 (Sun) → 23 is Nauryz itself,
    // so Tue 24 and Wed 25. 9 May (Sat) → Mon 11 May. 25 Oct (Sun) → Mon 26 Oct. No Constitution
    // Day in 2026: the new Constitution took effect on 1 July, after 15 March and before 30 August.
    // 1–2 Jan are Thu/Fri, 7 Jan a Wednesday, Kurban Ait a Wednesday: nothing to carry.
    const carried = [...holidaysOf(2026)].filter(([, key]) => key.endsWith('_carry'));
    expect(carried).toEqual([
      ['2026-03-09', 'womens_day_carry'],
      ['2026-03-24', 'nauryz_carry'],
      ['2026-03-25', 'nauryz_carry'],
      ['2026-05-11', 'victory_day_carry'],
      ['2026-10-26', 'republic_day_carry'],
    ]);
    expect(isWorkingDay('2026-03-26')).toBe(true); // Thursday: Nauryz is over
  });

  it('Nauryz with a weekend inside: each weekend day goes to the next free weekday', () => {
    // 2025: 21 Fri, 22 Sat, 23 Sun → Mon 24 and Tue 25.
    expect(holidaysOf(2025).get('2025-03-24')).toBe('nauryz_carry');
    expect(holidaysOf(2025).get('2025-03-25')).toBe('nauryz_carry');
    expect(isWorkingDay('2025-03-26')).toBe(true);
    // 2024: only 23 Mar is a Saturday → Mon 25.
    expect(holidaysOf(2024).get('2024-03-25')).toBe('nauryz_carry');
    expect(isWorkingDay('2024-03-26')).toBe(true);
    // 2027: 21 Mar is a Sunday; 22–23 are Nauryz themselves → Wed 24.
    expect(holidaysOf(2027).get('2027-03-24')).toBe('nauryz_carry');
    expect(isWorkingDay('2027-03-25')).toBe(true);
  });

  it('a carry skips holidays that are already days off', () => {
    // 2022: 7 May (Defender) is a Saturday, Mon 9 May is Victory Day → Tue 10 May.
    expect(holidaysOf(2022).get('2022-05-10')).toBe('defender_day_carry');
    // 2022: 1 Jan Sat and 2 Jan Sun → Mon 3 and Tue 4 January.
    expect(holidaysOf(2022).get('2022-01-03')).toBe('new_year_carry');
    expect(holidaysOf(2022).get('2022-01-04')).toBe('new_year_carry');
    // 2027: 2 Jan is a Saturday → Mon 4 Jan.
    expect(holidaysOf(2027).get('2027-01-04')).toBe('new_year_carry');
  });

  it('religious holidays on a weekend are not carried over', () => {
    // Orthodox Christmas 2024-01-07 is a Sunday: Mon 8 January is a working day.
    expect(isWorkingDay('2024-01-08')).toBe(true);
    // Orthodox Christmas 2023-01-07 is a Saturday: Mon 9 January is a working day.
    expect(isWorkingDay('2023-01-09')).toBe(true);
    // Kurban Ait 2027-05-16 is a Sunday: Mon 17 May is a working day.
    expect(holidaysOf(2027).get('2027-05-16')).toBe('kurban_ait');
    expect(isWorkingDay('2027-05-17')).toBe(true);
    expect([...holidaysOf(2027).values()]).not.toContain('kurban_ait_carry');
    expect([...holidaysOf(2024).values()]).not.toContain('orthodox_christmas_carry');
  });

  it('Kurban Ait on a Nauryz weekday (2032-03-22) is a single day off with no carry', () => {
    expect(isWorkingDay('2032-03-22')).toBe(false);
    expect(holidaysOf(2032).get('2032-03-22')).toBe('nauryz');
    // 21 Mar 2032 is a Sunday → Wed 24 (22–23 are Nauryz); no extra day for the coincidence.
    expect([...holidaysOf(2032)].filter(([d, k]) => d.startsWith('2032-03') && k.endsWith('_carry'))).toEqual([
      ['2032-03-24', 'nauryz_carry'],
    ]);
  });

  it('holidaysOf returns a copy in date order', () => {
    const h = holidaysOf(2026);
    const days = [...h.keys()];
    expect(days).toEqual([...days].sort());
    h.clear();
    expect(holidaysOf(2026).size).toBeGreaterThan(0);
    expect(isWorkingDay('2026-03-09')).toBe(false);
  });

  it('Kurban Ait comes from the lunar calendar for any year, and a bad year is refused', () => {
    expect(holidaysOf(2036).get('2036-02-07')).toBe('kurban_ait');
    expect(() => holidaysOf(2026.5)).toThrow(RangeError);
  });
});

describe('the holidays of the year they fall in (date-holidays data, Law No. 267-II as amended)', () => {
  it('25 October, 1 and 17 December: as before the 2022 amendments in 2021, as after in 2023', () => {
    // 2021: Republic Day not a holiday (Mon 25 Oct); First President Day (Wed 1 Dec) and the
    // second day of Independence Day (Fri 17 Dec) were.
    expect(isWorkingDay('2021-10-25')).toBe(true);
    expect(holidaysOf(2021).get('2021-12-01')).toBe('first_president_day');
    expect(holidaysOf(2021).get('2021-12-17')).toBe('independence_day');
    expect(isWorkingDay('2021-12-01')).toBe(false);
    expect(isWorkingDay('2021-12-17')).toBe(false);
    // 2023: Republic Day (Wed 25 Oct) off; Fri 1 Dec and Sun 17 Dec (carry: Mon 18 Dec is 16 Dec's) as any day.
    expect(holidaysOf(2023).get('2023-10-25')).toBe('republic_day');
    expect(isWorkingDay('2023-10-25')).toBe(false);
    expect(isWorkingDay('2023-12-01')).toBe(true);
    expect(holidaysOf(2023).has('2023-12-17')).toBe(false);
    expect(holidaysOf(2023).get('2023-12-18')).toBe('independence_day_carry');
  });

  it('Constitution Day: 30 August until 2025, 15 March from 2027, neither in 2026', () => {
    expect(holidaysOf(2025).get('2025-08-30')).toBe('constitution_day');
    expect(holidaysOf(2025).get('2025-09-01')).toBe('constitution_day_carry'); // 30 Aug 2025 a Saturday
    expect(holidaysOf(2025).has('2025-03-15')).toBe(false);
    expect(isWorkingDay('2027-08-30')).toBe(true); // Monday
    expect(holidaysOf(2027).get('2027-03-15')).toBe('constitution_day');
    expect(isWorkingDay('2027-03-15')).toBe(false); // Monday
    expect(isWorkingDay('2026-03-16')).toBe(true); // Monday after the referendum's Sunday
    expect(isWorkingDay('2026-08-31')).toBe(true);
  });

  it('Nauryz on a Sunday is carried past the Nauryz days to the next free weekday (2021-03-24)', () => {
    expect(holidaysOf(2021).get('2021-03-24')).toBe('nauryz_carry');
    expect(isWorkingDay('2021-03-25')).toBe(true);
  });
});

describe('decree transfers', () => {
  afterEach(() => useDayTransfers([]));

  it('a Saturday made a working day counts, and a weekday made a day off does not', () => {
    // The 2026 decree pattern: a bridge Friday off, worked on a Saturday.
    expect(isWorkingDay('2026-01-03')).toBe(false);
    useDayTransfers([
      { day: '2026-01-03', working: true },
      { day: '2026-01-05', working: false },
    ]);
    expect(isWorkingDay('2026-01-03')).toBe(true);
    expect(isWorkingDay('2026-01-05')).toBe(false);
    expect(nextWorkingDay('2026-01-02')).toBe('2026-01-03');
    expect(nextWorkingDay('2026-01-03')).toBe('2026-01-06');
    expect(workingDaysBetween('2026-01-02', '2026-01-09')).toBe(4); // Sat 3, Tue 6, Thu 8, Fri 9
  });
});

describe('Almaty days and instants', () => {
  it('uses Asia/Almaty', () => {
    expect(TIME_ZONE).toBe('Asia/Almaty');
  });

  it('before 2024-03-01 Almaty is UTC+6', () => {
    expect(startOfLocalDay('2024-01-10').toISOString()).toBe('2024-01-09T18:00:00.000Z');
    expect(endOfLocalDay('2024-01-10').toISOString()).toBe('2024-01-10T17:59:59.999Z');
    expect(localDate(new Date('2024-01-10T17:59:59.999Z'))).toBe('2024-01-10');
    expect(localDate(new Date('2024-01-10T18:00:00.000Z'))).toBe('2024-01-11');
  });

  it.skipIf(!TZDATA_HAS_2024A)('from 2024-03-01 Almaty is UTC+5', () => {
    expect(startOfLocalDay('2026-01-10').toISOString()).toBe('2026-01-09T19:00:00.000Z');
    expect(endOfLocalDay('2026-01-10').toISOString()).toBe('2026-01-10T18:59:59.999Z');
    expect(localDate(new Date('2026-01-10T18:59:59.999Z'))).toBe('2026-01-10');
    expect(localDate(new Date('2026-01-10T19:00:00.000Z'))).toBe('2026-01-11');
  });

  it.skipIf(!TZDATA_HAS_2024A)('29 February 2024, the day of the switch, lasts 25 hours', () => {
    expect(startOfLocalDay('2024-02-29').toISOString()).toBe('2024-02-28T18:00:00.000Z');
    expect(endOfLocalDay('2024-02-29').toISOString()).toBe('2024-02-29T18:59:59.999Z');
    expect(startOfLocalDay('2024-03-01').toISOString()).toBe('2024-02-29T19:00:00.000Z');
    // 18:30Z on 29 Feb is 23:30 local at UTC+5, still 29 February.
    expect(localDate(new Date('2024-02-29T18:30:00Z'))).toBe('2024-02-29');
  });

  it.skipIf(!TZDATA_HAS_2024A)('localParts gives the Almaty wall clock', () => {
    // 2026-01-10T19:00Z is 00:00 on Sunday 11 January in Almaty.
    expect(localParts(new Date('2026-01-10T19:00:00Z'))).toEqual({ year: 2026, month: 1, day: 11, hour: 0, minute: 0, weekday: SUN });
    expect(localParts(new Date('2026-01-16T15:45:00Z'))).toEqual({ year: 2026, month: 1, day: 16, hour: 20, minute: 45, weekday: FRI });
  });
});

describe.skipIf(!TZDATA_HAS_2024A)('deadlines', () => {
  // Friday 2026-01-16, 20:00 in Almaty.
  const fridayEvening = new Date('2026-01-16T15:00:00Z');

  it('a window opened on Friday evening with 2 working days ends at the end of Tuesday', () => {
    expect(addWorkingDays(fridayEvening, 2).toISOString()).toBe('2026-01-20T18:59:59.999Z');
    expect(addWorkingDays(fridayEvening, 1).toISOString()).toBe('2026-01-19T18:59:59.999Z');
  });

  it('counts from the Almaty day, not the UTC day', () => {
    // 2026-01-15T19:30Z is already 00:30 on Friday 16 January in Almaty, so day 1 is Monday.
    expect(addWorkingDays(new Date('2026-01-15T19:30:00Z'), 1).toISOString()).toBe('2026-01-19T18:59:59.999Z');
  });

  it('across New Year: from Thu 2026-12-31 the days off are 1 Jan, 2 Jan (Sat), 3 Jan (Sun), 4 Jan (carry)', () => {
    const from = new Date('2026-12-31T05:00:00Z');
    expect(addWorkingDays(from, 1).toISOString()).toBe('2027-01-05T18:59:59.999Z'); // Tue 5 Jan
    expect(addWorkingDays(from, 2).toISOString()).toBe('2027-01-06T18:59:59.999Z'); // Wed 6 Jan
    expect(addWorkingDays(from, 3).toISOString()).toBe('2027-01-08T18:59:59.999Z'); // 7 Jan is Christmas
  });

  it('across Nauryz 2026: from Fri 20 March, 21–25 March are off', () => {
    const from = new Date('2026-03-20T04:00:00Z');
    expect(addWorkingDays(from, 1).toISOString()).toBe('2026-03-26T18:59:59.999Z');
    expect(addWorkingDays(from, 5).toISOString()).toBe('2026-04-01T18:59:59.999Z'); // Thu, Fri, Mon, Tue, Wed
  });

  it('n = 0 is the end of today, or of the next working day when today is off', () => {
    expect(addWorkingDays(fridayEvening, 0).toISOString()).toBe('2026-01-16T18:59:59.999Z');
    expect(addWorkingDays(new Date('2026-01-10T06:00:00Z'), 0).toISOString()).toBe('2026-01-12T18:59:59.999Z'); // Sat → Mon
    expect(addWorkingDays(new Date('2026-03-21T06:00:00Z'), 0).toISOString()).toBe('2026-03-26T18:59:59.999Z'); // Nauryz → Thu
  });

  it('adds calendar days, holidays included, to the end of the local day', () => {
    expect(addCalendarDays(new Date('2026-06-01T03:00:00Z'), 30).toISOString()).toBe('2026-07-01T18:59:59.999Z');
    expect(addCalendarDays(new Date('2026-03-20T03:00:00Z'), 2).toISOString()).toBe('2026-03-22T18:59:59.999Z');
    expect(addCalendarDays(new Date('2026-03-20T03:00:00Z'), 0).toISOString()).toBe('2026-03-20T18:59:59.999Z');
    // From UTC+6 into UTC+5: 15 Feb 2024 + 30 days is 16 March 2024, which ends at 19:00Z.
    expect(addCalendarDays(new Date('2024-02-15T03:00:00Z'), 30).toISOString()).toBe('2024-03-16T18:59:59.999Z');
  });
});

describe('neighbouring working days and counts', () => {
  it('previous and next working day are strict and skip holidays', () => {
    expect(nextWorkingDay('2026-03-20')).toBe('2026-03-26');
    expect(previousWorkingDay('2026-03-26')).toBe('2026-03-20');
    expect(previousWorkingDay('2027-01-05')).toBe('2026-12-31');
    expect(nextWorkingDay('2026-01-12')).toBe('2026-01-13');
    expect(previousWorkingDay('2026-01-12')).toBe('2026-01-09');
  });

  it('workingDaysBetween counts d with from < d <= to', () => {
    expect(workingDaysBetween('2026-03-20', '2026-03-26')).toBe(1);
    expect(workingDaysBetween('2026-01-16', '2026-01-20')).toBe(2);
    expect(workingDaysBetween('2026-01-16', '2026-01-16')).toBe(0);
    expect(workingDaysBetween('2026-01-20', '2026-01-16')).toBe(0);
    // January 2026 has 22 weekdays; 1 Jan is excluded by the bound, 2 and 7 Jan are holidays.
    expect(workingDaysBetween('2026-01-01', '2026-01-31')).toBe(19);
    // Across New Year: only Tue 5 and Wed 6 January 2027 after Thu 31 December.
    expect(workingDaysBetween('2026-12-31', '2027-01-07')).toBe(2);
  });
});

describe('isInRange', () => {
  const august = [{ month: 8, day: 1 }, { month: 8, day: 31 }] as const;

  it('matches the 1–31 August freeze inclusively, in any year', () => {
    expect(isInRange('2026-08-01', ...august)).toBe(true);
    expect(isInRange('2026-08-31', ...august)).toBe(true);
    expect(isInRange('2027-08-15', ...august)).toBe(true);
    expect(isInRange('2026-07-31', ...august)).toBe(false);
    expect(isInRange('2026-09-01', ...august)).toBe(false);
  });

  it('supports windows that wrap over New Year', () => {
    const from = { month: 12, day: 20 }, to = { month: 1, day: 10 };
    expect(isInRange('2026-12-25', from, to)).toBe(true);
    expect(isInRange('2027-01-10', from, to)).toBe(true);
    expect(isInRange('2027-01-11', from, to)).toBe(false);
    expect(isInRange('2026-06-01', from, to)).toBe(false);
  });

  it('rejects a malformed window', () => {
    expect(() => isInRange('2026-08-01', { month: 13, day: 1 }, { month: 8, day: 31 })).toThrow(RangeError);
    expect(() => isInRange('2026-08-01', { month: 8, day: 0 }, { month: 8, day: 31 })).toThrow(RangeError);
  });
});
