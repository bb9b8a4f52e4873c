/** The API checks every request with these, so bad input is a 400, never a database error. */
import { z } from 'zod';
import type { FieldError } from './errors.ts';
import { LANGUAGES } from '../locales/languages.ts';

/** PostgreSQL refuses NUL in text and jsonb; an invisible character makes equal-looking values differ. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/u;

export function hasControlChars(text: string): boolean {
  return CONTROL_CHARS.test(text);
}

export const languageSchema = z.enum(LANGUAGES);

/** No form of the service nests deeper; a deeper body is junk, and walking it would exhaust the stack. */
export const MAX_JSON_DEPTH = 32;

function tooDeep(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return true;
    for (const inner of Object.values(current)) stack.push([inner, depth + 1]);
  }
  return false;
}

function controlCharPath(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return hasControlChars(value) ? path.join('.') : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    if (hasControlChars(key)) return [...path, key].join('.');
    const found = controlCharPath(inner, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}

export function jsonInputError(value: unknown, field = ''): FieldError | null {
  if (tooDeep(value)) return { field, code: 'invalid' };
  const bad = controlCharPath(value);
  if (bad === null) return null;
  return { field: [field, bad].filter(Boolean).join('.'), code: 'control_chars' };
}

export const YEARS = { min: 1900, max: 2199 } as const;

const inYears = (text: string) => Number(text.slice(0, 4)) >= YEARS.min && Number(text.slice(0, 4)) <= YEARS.max;

export const isoDay = z.iso.date().refine(inYears);

export const isoDateOrTime = z
  .union([z.iso.date(), z.iso.datetime({ offset: true, local: true })])
  .refine((text) => inYears(text) && !Number.isNaN(new Date(text).getTime()));

export const INT_RANGES = {
  int2: { min: -32_768, max: 32_767 },
  int4: { min: -2_147_483_648, max: 2_147_483_647 },
  int8: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
} as const;

/** An integer sent as a JSON number or as a string of digits ("12", "-3"), nothing looser. */
export function integer(range: { min: number; max: number } = INT_RANGES.int4) {
  return z
    .union([z.number(), z.string().regex(/^-?\d{1,20}$/).transform(Number)])
    .pipe(z.number().int().min(range.min).max(range.max));
}
