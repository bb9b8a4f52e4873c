/** The CSRF token comes from /api/auth/login and /me and lives only in memory. */
import { fetchUtils, HttpError } from 'react-admin';

export const API = '/api';

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export interface FieldError {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

/** react-admin reads {message, args} for a field error when it is written in its own format. */
const RA_FORMAT = '@@react-admin@@';

export function formErrors(fields: FieldError[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    // The intake form keeps phones as {phone} rows (react-admin's array inputs hold objects).
    const field = f.field.replace(/^applicant\.phones\.(\d+)$/, 'applicant.phones.$1.phone');
    const path = field ? field.split('.') : ['root', 'serverError'];
    let node = out;
    path.slice(0, -1).forEach((p) => {
      node[p] = typeof node[p] === 'object' && node[p] !== null ? node[p] : {};
      node = node[p] as Record<string, unknown>;
    });
    node[path.at(-1)!] = `${RA_FORMAT}${JSON.stringify({ message: `errors.${f.code}`, args: f.params ?? {} })}`;
  }
  return out;
}

export async function httpClient(url: string, options: fetchUtils.Options = {}) {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  const method = (options.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') headers.set('X-CSRF-Token', csrfToken);
  try {
    return await fetchUtils.fetchJson(url, { ...options, headers, credentials: 'same-origin' });
  } catch (error) {
    if (error instanceof HttpError && error.body && Array.isArray(error.body.fields)) {
      const fields = error.body.fields as FieldError[];
      // Field errors go on the inputs; the notification says the form needs fixing, or the
      // first error when it belongs to no input of the form.
      const first = fields[0];
      const message = fields.length === 1 && first && !first.field.includes('.') && ['', 'filter', 'sort', 'range'].includes(first.field)
        ? `errors.${first.code}`
        : error.message;
      throw new HttpError(message, error.status, { ...error.body, errors: formErrors(fields) });
    }
    throw error;
  }
}

export async function post<T = unknown>(path: string, body: unknown = {}): Promise<T> {
  const { json } = await httpClient(`${API}/${path}`, { method: 'POST', body: JSON.stringify(body) });
  return json as T;
}

export async function get<T = unknown>(path: string): Promise<T> {
  const { json } = await httpClient(`${API}/${path}`);
  return json as T;
}

/** fetchJson would set a JSON content type. */
export async function upload<T = unknown>(path: string, form: FormData): Promise<T> {
  const res = await fetch(`${API}/${path}`, {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: { 'X-CSRF-Token': csrfToken, Accept: 'application/json' },
  });
  const json = (await res.json().catch(() => ({}))) as { message?: string; fields?: FieldError[] };
  if (!res.ok) {
    const first = json.fields?.[0];
    throw new HttpError(first ? `errors.${first.code}` : (json.message ?? 'ra.notification.http_error'), res.status, json);
  }
  return json as T;
}

export function errorMessage(error: unknown): { message: string; args: Record<string, unknown> } {
  if (error instanceof HttpError) {
    const body = (error.body ?? {}) as { params?: Record<string, unknown>; fields?: FieldError[] };
    const first = body.fields?.[0];
    if (first) return { message: `errors.${first.code}`, args: first.params ?? {} };
    return { message: error.message || 'ra.notification.http_error', args: body.params ?? {} };
  }
  return { message: 'ra.notification.http_error', args: {} };
}
