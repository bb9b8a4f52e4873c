/**
 * Public holidays (non-working days) of the Republic of Kazakhstan. Data only: the rules that turn
 * this into a calendar (weekend carry-over and so on) live in `calendar.ts`.
 *
 * Source: Labour Code art. 84 and the Law "On holidays in the Republic of Kazakhstan", as amended
 * in 2022. The 2022 amendments restored Republic Day (25 October), dropped the second day of
 * Independence Day (17 December) and abolished First President Day (1 December).
 *
 * Limitation: the current list is applied to every year, including 2018–2021, when 25 October was a
 * working day and 1 and 17 December were not. The service computes deadlines from now on, so only
 * recomputing old deadlines would be affected.
 *
 * Not modelled: the extra days off that the government moves by an annual decree (for example a
 * Saturday swapped for a bridge day). Those are announced each year and would need their own table.
 *
 * Religious holidays (`religious: true`) are days off but, by law, are NOT carried over to the next
 * working day when they fall on a weekend.
 */

export interface FixedHoliday {
  /** Stable identifier, used in stored data and translations; never rename. */
  readonly key: string;
  readonly month: number;
  readonly day: number;
  readonly religious: boolean;
}

export const FIXED_HOLIDAYS: readonly FixedHoliday[] = [
  // New Year: two days.
  { key: 'new_year', month: 1, day: 1, religious: false },
  { key: 'new_year', month: 1, day: 2, religious: false },
  // Orthodox Christmas.
  { key: 'orthodox_christmas', month: 1, day: 7, religious: true },
  // International Women's Day.
  { key: 'womens_day', month: 3, day: 8, religious: false },
  // Nauryz meiramy: three days.
  { key: 'nauryz', month: 3, day: 21, religious: false },
  { key: 'nauryz', month: 3, day: 22, religious: false },
  { key: 'nauryz', month: 3, day: 23, religious: false },
  // Day of Unity of the People of Kazakhstan.
  { key: 'unity_day', month: 5, day: 1, religious: false },
  // Defender of the Fatherland Day.
  { key: 'defender_day', month: 5, day: 7, religious: false },
  // Victory Day.
  { key: 'victory_day', month: 5, day: 9, religious: false },
  // Capital Day (Astana).
  { key: 'capital_day', month: 7, day: 6, religious: false },
  // Constitution Day.
  { key: 'constitution_day', month: 8, day: 30, religious: false },
  // Republic Day: a day off again since 2022.
  { key: 'republic_day', month: 10, day: 25, religious: false },
  // Independence Day: one day since 2022 (17 December is a working day now).
  { key: 'independence_day', month: 12, day: 16, religious: false },
];

export const KURBAN_AIT_KEY = 'kurban_ait';

/**
 * First day of Kurban Ait (Eid al-Adha, 10 Dhu al-Hijjah), a religious day off, keyed by year.
 *
 * MAINTAIN THIS TABLE: the government announces the official date each year (on the calculation of
 * the Spiritual Administration of Muslims of Kazakhstan), and lunar calendars disagree by a day.
 * 2018–2025 are past dates; 2026 onwards are forecasts until the official date is confirmed.
 * Checked against ICU's Islamic calendars: ICU's Umm al-Qura calendar puts 2033 and 2035 one day
 * later (2033-03-12, 2035-02-19), and other variants differ by a day in several years. Replace
 * each forecast with the official date when it is published.
 * A year missing here makes `calendar.ts` throw rather than silently treat Kurban Ait as a working day.
 */
export const KURBAN_AIT_FIRST_DAY: Readonly<Record<number, string>> = {
  2018: '2018-08-21',
  2019: '2019-08-11',
  2020: '2020-07-31',
  2021: '2021-07-20',
  2022: '2022-07-09',
  2023: '2023-06-28',
  2024: '2024-06-16',
  2025: '2025-06-06',
  2026: '2026-05-27',
  2027: '2027-05-16',
  2028: '2028-05-05',
  2029: '2029-04-24',
  2030: '2030-04-13',
  2031: '2031-04-02',
  2032: '2032-03-22', // coincides with the second day of Nauryz
  2033: '2033-03-11',
  2034: '2034-03-01',
  2035: '2035-02-18',
};
