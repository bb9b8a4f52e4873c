/** The API decides everything; the panel keeps the user only to show the right menus and buttons. */
import { HttpError, type AuthProvider } from 'react-admin';
import type { Me } from '../../shared/api-types.ts';
import { API, get, httpClient, post, setCsrfToken } from './http.ts';

export type { Me };

let me: Me | null = null;
let pending: Promise<Me | null> | null = null;

function remember(user: Me | null): Me | null {
  me = user;
  setCsrfToken(user?.csrfToken ?? '');
  return user;
}

export function currentUser(): Promise<Me | null> {
  if (me) return Promise.resolve(me);
  pending ??= get<Me>('auth/me')
    .then(remember)
    .catch((error: unknown) => {
      // The database is away (503): the session may well be valid, so say "temporarily
      // unavailable" rather than treat the staff member as signed out.
      if (error instanceof HttpError && error.status === 503) throw error;
      return remember(null);
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

export function forget(): void {
  remember(null);
}

export const CHANGE_PASSWORD = '/change-password';

export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    try {
      const { json } = await httpClient(`${API}/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ login: username, password }),
      });
      const user = remember(json as Me)!;
      return user.mustChangePassword ? { redirectTo: CHANGE_PASSWORD } : undefined;
    } catch (error) {
      if (error instanceof HttpError) throw new Error((error.body as { message?: string })?.message ?? 'ra.auth.sign_in_error');
      throw error;
    }
  },
  async logout() {
    if (me) await post('auth/logout').catch(() => undefined);
    forget();
  },
  async checkAuth() {
    if (!(await currentUser())) throw new Error('ra.auth.auth_check_error');
  },
  async checkError(error: { status?: number; body?: { error?: string } }) {
    if (error?.status === 401) {
      forget();
      throw new Error('ra.notification.logged_out');
    }
    if (error?.status === 403 && error.body?.error === 'password_change_required') {
      throw { redirectTo: CHANGE_PASSWORD, logoutUser: false, message: false };
    }
  },
  async getIdentity() {
    const user = await currentUser();
    if (!user) throw new Error('ra.auth.auth_check_error');
    return {
      id: user.id,
      fullName: user.fullName,
      login: user.login,
      roles: user.roles,
      districtIds: user.districtIds,
      mustChangePassword: user.mustChangePassword,
    };
  },
  async getPermissions() {
    return (await currentUser())?.permissions ?? [];
  },
};

export async function changePassword(current: string, next: string): Promise<void> {
  await post('auth/password', { current, next });
  if (me) me = { ...me, mustChangePassword: false };
}
