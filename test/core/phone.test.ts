import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone } from '../../core/phone.ts';

describe('Kazakhstan mobile numbers', () => {
  it.each([
    ['8 707 123 45 67', '+77071234567'],
    ['+7 (707) 123-45-67', '+77071234567'],
    ['87071234567', '+77071234567'],
    ['7071234567', '+77071234567'],
    ['8 (707) 123-45-67', '+77071234567'],
    // Telegram's shared contact comes without the plus.
    ['77012345678', '+77012345678'],
    ['+7 701 234 56 78', '+77012345678'],
    [' +7 747 123 4567 ', '+77471234567'],
  ])('reads %j as %s', (typed, phone) => {
    expect(normalizePhone(typed)).toBe(phone);
  });

  it.each([
    // A digit missing is refused, never "corrected" (it became +77701123456 before).
    '+7 701 123 45 6',
    '8 707 123 45 6',
    '707123456',
    // A digit too many.
    '+7 707 123 45 678',
    '8 707 123 45 678',
    // Not a mobile number, or not Kazakhstan's: a landline of Almaty, a Russian mobile.
    '+7 727 234 56 78',
    '+7 916 123 45 67',
    '89161234567',
    // Text around the digits, an extension, a plus in the middle.
    '+7 707 123 45 67 ext 1',
    '+7 7071234567a',
    'tel 87071234567',
    '8707+1234567',
    '12345',
    '',
  ])('refuses %j', (typed) => {
    expect(normalizePhone(typed)).toBeNull();
  });

  it('masks all but the operator code and the last two digits', () => {
    expect(maskPhone('+77071234567')).toBe('+77071•••••67');
  });
});
