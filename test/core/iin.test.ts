import { describe, expect, it } from 'vitest';
import { iinCheckDigit, makeIin, maskIin, normalizeIin, parseIin } from '../../core/iin.ts';

describe('IIN', () => {
  it('accepts IINs whose check digit follows the first weights', () => {
    // 9001 01 3 0000 ?: 9·1+0·2+0·3+1·4+0·5+1·6+3·7+0+0+0+0 = 40 → 40 mod 11 = 7
    expect(iinCheckDigit('90010130000')).toBe(7);
    expect(parseIin('900101300007')).toEqual({ ok: true, value: { iin: '900101300007', birthDate: '1990-01-01', sex: 'male' } });
  });

  const w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
  const sum = (prefix: string, w: number[]) => [...prefix].reduce((s, d, i) => s + Number(d) * w[i]!, 0) % 11;
  /** 11-digit prefixes born 2021-05-15 whose first weighted sum is 10, by serial. */
  const firstSumTen = Array.from({ length: 10000 }, (_, s) => `2105155${String(s).padStart(4, '0')}`).filter(
    (p) => sum(p, w1) === 10,
  );

  it('uses the second weights when the first sum gives 10', () => {
    const prefix = firstSumTen.find((p) => sum(p, w2) !== 10)!;
    expect(prefix).toBeDefined();
    const check = sum(prefix, w2);
    expect(iinCheckDigit(prefix)).toBe(check);
    expect(parseIin(`${prefix}${check}`).ok).toBe(true);
    expect(parseIin(`${prefix}${(check + 1) % 10}`)).toEqual({ ok: false, error: 'checksum' });
  });

  it('rejects 11 digits with no valid check digit at all', () => {
    const prefix = firstSumTen.find((p) => sum(p, w2) === 10)!;
    expect(prefix).toBeDefined();
    expect(iinCheckDigit(prefix)).toBeNull();
    for (let d = 0; d <= 9; d++) expect(parseIin(`${prefix}${d}`)).toEqual({ ok: false, error: 'checksum' });
  });

  it('derives the birth date, century and sex', () => {
    const girl2021 = makeIin('2021-03-15', 'female', 42);
    expect(girl2021.slice(0, 7)).toBe('2103156');
    expect(parseIin(girl2021)).toEqual({ ok: true, value: { iin: girl2021, birthDate: '2021-03-15', sex: 'female' } });
    const man1899 = makeIin('1899-12-31', 'male', 7);
    expect(man1899[6]).toBe('1');
    expect(parseIin(man1899).ok && parseIin(man1899)).toMatchObject({ value: { birthDate: '1899-12-31' } });
  });

  it.each([
    ['12345', 'format'],
    ['12345678901a', 'format'],
    ['1234567890123', 'format'],
    ['900101700000', 'century'],
    ['900101000000', 'century'],
    ['900230300000', 'date'],
    ['901301300000', 'date'],
    ['210229500000', 'date'], // 2021 is not a leap year
  ])('rejects %s (%s)', (iin, error) => {
    expect(parseIin(iin)).toEqual({ ok: false, error });
  });

  it('rejects a wrong check digit', () => {
    const good = makeIin('2020-02-29', 'male', 1234);
    expect(parseIin(good).ok).toBe(true);
    const bad = `${good.slice(0, 11)}${(Number(good[11]) + 1) % 10}`;
    expect(parseIin(bad)).toEqual({ ok: false, error: 'checksum' });
  });

  it('tolerates spaces and dashes people type, and masks for lists', () => {
    const iin = makeIin('2022-07-01', 'female', 500);
    const typed = `${iin.slice(0, 6)} ${iin.slice(6, 9)}-${iin.slice(9)}`;
    expect(normalizeIin(typed)).toBe(iin);
    expect(parseIin(typed).ok).toBe(true);
    expect(maskIin(iin)).toBe(`••••••••${iin.slice(8)}`);
    expect(maskIin(iin)).not.toContain(iin.slice(0, 6));
  });
});
