/**
 * The rule for a new staff password. The panel shows it before the person types (admin/web), so
 * this file imports nothing that cannot run in a browser; hashing is core/password-hashing.ts.
 */
import type { FieldError } from './errors.ts';

export const PASSWORD_MIN_LENGTH = 12;

export function checkNewPassword(password: string, login: string, field = 'password'): FieldError[] {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return [{ field, code: 'password_too_short', params: { count: PASSWORD_MIN_LENGTH } }];
  }
  if (password.length > 200) return [{ field, code: 'too_long' }];
  if (password.toLowerCase().includes(login.toLowerCase())) return [{ field, code: 'password_contains_login' }];
  return [];
}
