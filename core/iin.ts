/**
 * IIN (ЖСН/ИИН): 12 digits = YYMMDD, a century/sex digit (1–6), a 4-digit serial and a check digit.
 * SPEC "IIN": sum of digits 1–11 × weights 1..11 mod 11; if 10, weights 3..11,1,2; if 10 again, invalid.
 */
export type IinError = 'format' | 'century' | 'date' | 'checksum';

export interface IinInfo {
  iin: string;
  birthDate: string;
  sex: 'male' | 'female';
}

const WEIGHTS_1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEIGHTS_2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
/** Digit 7: 1–2 born 1800s, 3–4 1900s, 5–6 2000s; odd male, even female. */
const CENTURY: Record<string, number> = { '1': 1800, '2': 1800, '3': 1900, '4': 1900, '5': 2000, '6': 2000 };

function weightedSum(digits: number[], weights: number[]): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += (digits[i] ?? 0) * (weights[i] ?? 0);
  return sum % 11;
}

/** The check digit for the first 11 digits, or null when no valid IIN has them. */
export function iinCheckDigit(first11: string): number | null {
  const digits = [...first11].map(Number);
  const first = weightedSum(digits, WEIGHTS_1);
  if (first !== 10) return first;
  const second = weightedSum(digits, WEIGHTS_2);
  return second === 10 ? null : second;
}

export function normalizeIin(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export function parseIin(input: string): { ok: true; value: IinInfo } | { ok: false; error: IinError } {
  const iin = normalizeIin(input);
  if (!/^\d{12}$/.test(iin)) return { ok: false, error: 'format' };
  const centuryDigit = iin[6] as string;
  const century = CENTURY[centuryDigit];
  if (century === undefined) return { ok: false, error: 'century' };
  const year = century + Number(iin.slice(0, 2));
  const month = Number(iin.slice(2, 4));
  const day = Number(iin.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { ok: false, error: 'date' };
  }
  if (iinCheckDigit(iin.slice(0, 11)) !== Number(iin[11])) return { ok: false, error: 'checksum' };
  const birthDate = `${String(year).padStart(4, '0')}-${iin.slice(2, 4)}-${iin.slice(4, 6)}`;
  return { ok: true, value: { iin, birthDate, sex: Number(centuryDigit) % 2 === 1 ? 'male' : 'female' } };
}

/** Builds a valid IIN (demo data and tests); the serial is bumped past serials with no check digit. */
export function makeIin(birthDate: string, sex: 'male' | 'female', serial: number): string {
  const [y, m, d] = birthDate.split('-');
  const year = Number(y);
  const base = year >= 2000 ? 5 : year >= 1900 ? 3 : 1;
  const centuryDigit = base + (sex === 'female' ? 1 : 0);
  for (let s = serial; ; s++) {
    const first11 = `${String(year % 100).padStart(2, '0')}${m}${d}${centuryDigit}${String(s % 10000).padStart(4, '0')}`;
    const check = iinCheckDigit(first11);
    if (check !== null) return `${first11}${check}`;
  }
}

export function maskIin(iin: string): string {
  return `••••••••${iin.slice(-4)}`;
}
