import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';

/** What people type around the digits: spaces, brackets, dashes, dots; a plus only in front. */
const TYPED = /^\+?[\d\s().-]+$/;

/**
 * A Kazakhstan mobile number as +7 and ten digits, or null. The forms people type
 * (8 707 123 45 67, +7 (707) 123-45-67, 87071234567, 7071234567, Telegram's 77071234567) are
 * read by libphonenumber's Kazakh numbering plan, mobile ranges only; anything else (a digit
 * missing or extra, a landline, a Russian +7 9xx number, letters, an extension) is refused, so
 * the parent is asked again instead of getting a guessed number.
 */
export function normalizePhone(input: string): string | null {
  const text = input.trim();
  if (!TYPED.test(text)) return null;
  const phone = parsePhoneNumberFromString(text, 'KZ');
  if (!phone || phone.country !== 'KZ' || phone.ext || !phone.isValid()) return null;
  return phone.number;
}

/** +7 707 ••• •• 67: enough for a parent on the phone to recognise their number. */
export function maskPhone(phone: string): string {
  return phone.length >= 4 ? `${phone.slice(0, 6)}•••••${phone.slice(-2)}` : '••••';
}
