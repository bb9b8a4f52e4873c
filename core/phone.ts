/** Kazakhstan numbers: +7 followed by ten digits; people type 8 707 …, 7707…, +7 (707) … */
export function normalizePhone(input: string): string | null {
  const digits = input.replace(/[^\d+]/g, '');
  const bare = digits.replace(/^\+/, '');
  if (!/^\d+$/.test(bare)) return null;
  let national: string | null = null;
  if (bare.length === 11 && (bare.startsWith('7') || bare.startsWith('8'))) national = bare.slice(1);
  else if (bare.length === 10 && bare.startsWith('7')) national = bare;
  if (!national || !/^[67]\d{9}$/.test(national)) return null;
  return `+7${national}`;
}

/** +7 707 ••• •• 67: enough for a parent on the phone to recognise their number. */
export function maskPhone(phone: string): string {
  return phone.length >= 4 ? `${phone.slice(0, 6)}•••••${phone.slice(-2)}` : '••••';
}
