export const NAME_MIN = 3;
export const NAME_MAX = 200;

const NAME_CHAR = /^[\p{L}\p{M}\s'’.-]$/u;
const graphemes = new Intl.Segmenter('ru', { granularity: 'grapheme' });

export type NameProblem =
  | { code: 'text_too_short'; params: { count: number } }
  | { code: 'too_long'; params: { max: number } }
  | { code: 'name_invalid' }
  | { code: 'name_symbols'; params: { chars: string } }
  | { code: 'name_start' };

export function cleanName(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Why `name` (already cleaned) is not a full name; null when it is one. */
export function nameProblem(name: string): NameProblem | null {
  if (name.length < NAME_MIN) return { code: 'text_too_short', params: { count: NAME_MIN } };
  if (name.length > NAME_MAX) return { code: 'too_long', params: { max: NAME_MAX } };
  if (/\p{N}/u.test(name)) return { code: 'name_invalid' };
  const others = new Set<string>();
  for (const { segment } of graphemes.segment(name)) {
    if (![...segment].every((c) => NAME_CHAR.test(c))) others.add(segment);
  }
  if (others.size > 0) return { code: 'name_symbols', params: { chars: [...others].join(' ') } };
  return /^\p{L}/u.test(name) ? null : { code: 'name_start' };
}
