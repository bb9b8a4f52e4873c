/**
 * What any text, date or number typed by a person or sent by a client must be before it reaches
 * the database: the API's edge checks every request with these, so bad input is a field error
 * (400), never a database error (500).
 */
import { z } from 'zod';
import type { FieldError } from './errors.ts';
import { LANGUAGES } from '../locales/languages.ts';

/**
 * Control characters: C0 (except tab, line feed and carriage return), DEL, C1, and halves of a
 * surrogate pair. PostgreSQL refuses NUL in text and jsonb; none of them belongs in a name, an
 * address or a comment, and an invisible one makes two equal-looking values differ.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/u;

export function hasControlChars(text: string): boolean {
  return CONTROL_CHARS.test(text);
}

/** A language field: one of the service's languages. */
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

/** The dotted path of the first string (or object key) with a control character; null when none. */
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

/**
 * What is wrong with a parsed JSON input before any schema looks at it: nested deeper than any
 * form (field '', invalid), or a control character in a string or key (its path, control_chars).
 */
export function jsonInputError(value: unknown, field = ''): FieldError | null {
  if (tooDeep(value)) return { field, code: 'invalid' };
  const bad = controlCharPath(value);
  if (bad === null) return null;
  return { field: [field, bad].filter(Boolean).join('.'), code: 'control_chars' };
}

/**
 * Years a date sent to the service may have: PostgreSQL's own range is far wider, but no date of
 * this service (births of parents, registrations, filters of the panel) lies outside this one.
 */
export const YEARS = { min: 1900, max: 2199 } as const;

const inYears = (text: string) => Number(text.slice(0, 4)) >= YEARS.min && Number(text.slice(0, 4)) <= YEARS.max;

/** A day (YYYY-MM-DD) with a year inside YEARS. */
export const isoDay = z.iso.date().refine(inYears);

/** A day (YYYY-MM-DD) or an ISO instant with a 4-digit year inside YEARS. */
export const isoDateOrTime = z
  .union([z.iso.date(), z.iso.datetime({ offset: true, local: true })])
  .refine((text) => inYears(text) && !Number.isNaN(new Date(text).getTime()));

/** Integer ranges of PostgreSQL's integer types. */
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
