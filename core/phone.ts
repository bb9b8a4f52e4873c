import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';

const TYPED = /^\+?[\d\s().-]+$/;

/** Mobile ranges only: anything else is refused, so the parent is asked again instead of getting a guessed number. */
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
