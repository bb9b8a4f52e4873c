import { randomInt } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { staffUsers } from '../../db/schema/index.ts';
import { createServer } from '../../admin/server/index.ts';
import { loadConfig } from '../../core/config.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { generateSigningKey } from '../../core/signing.ts';
import { hashPassword } from '../../core/password-hashing.ts';
import type { StaffRole } from '../../core/permissions.ts';
import { testLogger } from './logger.ts';

export type TestApp = ReturnType<typeof createServer>;

export function testServer(database: Database, policy: Policy = defaultPolicy, env: Record<string, string> = {}): TestApp {
  return createServer({ database, config: loadConfig({ SEED_DEMO: 'false', ...env }), logger: testLogger(), policy, signingKey: generateSigningKey() });
}

/** A staff account with a known password (no forced change unless asked). */
export async function createStaff(
  database: Database,
  roles: StaffRole[],
  options: { districtIds?: number[]; mustChangePassword?: boolean; login?: string } = {},
) {
  const login = options.login ?? `${roles.join('-').replace(/_/g, '')}-${Date.now().toString(36)}${randomInt(0, 1e9).toString(36)}`;
  const password = `correct horse ${randomInt(0, 1e9)}`;
  const [user] = await database.db
    .insert(staffUsers)
    .values({
      login,
      fullName: `Сынақ Қызметкер ${login}`,
      passwordHash: await hashPassword(password),
      roles,
      districtIds: options.districtIds ?? [],
      mustChangePassword: options.mustChangePassword ? 1 : 0,
    })
    .returning();
  return { id: user!.id, login, password };
}

/** Each test file talks from its own address, so the per-IP login throttle never crosses files. */
export function ipEnv(ip: string) {
  return { incoming: { socket: { remoteAddress: ip, remotePort: 40000, remoteFamily: 'IPv4' } } };
}

export interface Session {
  cookie: string;
  csrf: string;
  user: { id: number; roles: string[]; permissions: string[]; mustChangePassword: boolean };
}

export async function signIn(app: TestApp, login: string, password: string, ip = '10.1.0.1'): Promise<Session> {
  const res = await app.request(
    '/api/auth/login',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) },
    ipEnv(ip),
  );
  expect(res.status, await res.clone().text()).toBe(200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const body = (await res.json()) as Session['user'] & { csrfToken: string };
  return { cookie, csrf: body.csrfToken, user: body };
}

export function client(app: TestApp, session: Session | null) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = {
      method,
      headers: {
        ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {}),
        ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
    };
    const res = await app.request(path, init, ipEnv('10.1.0.1'));
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    // The answers are JSON the assertions check field by field; a loose type keeps them readable.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, headers: res.headers, json: json as any, text };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call('POST', path, body ?? {}, headers),
    put: (path: string, body?: unknown, headers?: Record<string, string>) => call('PUT', path, body ?? {}, headers),
    delete: (path: string, headers?: Record<string, string>) => call('DELETE', path, undefined, headers),
  };
}

export type Client = ReturnType<typeof client>;

export type Role = 'admin' | 'district' | 'call_centre' | 'auditor';
export const ROLES: Role[] = ['admin', 'district', 'call_centre', 'auditor'];

export interface RoleCase {
  name: string;
  allowed: Role[];
  run: (c: Client) => Promise<{ status: number; json: unknown; text: string; headers?: Headers }>;
  /** What an allowed role's answer holds (beyond not being an error). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
  body?: (json: any, role: Role) => void;
}

/** `sessions` is read when the tests run, after beforeAll signed everyone in. */
export function everyRole<C extends RoleCase>(
  cases: C[],
  sessions: () => { as: Record<Role, Client>; anonymous: Client },
  forbidden: (c: C) => Record<string, unknown> = () => ({ error: 'forbidden' }),
): void {
  for (const c of cases) {
    for (const role of ROLES) {
      const allowed = c.allowed.includes(role);
      it(`${c.name}: ${role} ${allowed ? 'allowed' : 'forbidden'}`, async () => {
        const res = await c.run(sessions().as[role]);
        if (allowed) {
          expect([200, 201, 202], `${res.status} ${res.text.slice(0, 300)}`).toContain(res.status);
          if (res.headers?.get('content-type')?.includes('json')) {
            expect(res.json, res.text.slice(0, 300)).toEqual(expect.anything());
            if (!Array.isArray(res.json)) expect(res.json, res.text.slice(0, 300)).not.toHaveProperty('error');
          }
          c.body?.(res.json, role);
        } else {
          expect(res.status, res.text.slice(0, 300)).toBe(403);
          expect(res.json).toMatchObject(forbidden(c));
        }
      });
    }
    it(`${c.name}: 401 without a session`, async () => {
      expect((await c.run(sessions().anonymous)).status).toBe(401);
    });
  }
}

export function listQuery(filter: Record<string, unknown> = {}, sort?: [string, 'ASC' | 'DESC'], range?: [number, number]): string {
  const p = new URLSearchParams({ filter: JSON.stringify(filter) });
  if (sort) p.set('sort', JSON.stringify(sort));
  if (range) p.set('range', JSON.stringify(range));
  return p.toString();
}

export function totalOf(headers: Headers): number {
  const range = headers.get('content-range');
  expect(range).toMatch(/^[\w-]+ (\d+-\d+|\*)\/\d+$/);
  return Number(range!.split('/')[1]);
}

/** The smallest valid PNG (1×1), a PDF and a JPEG header: enough for sniffing and previews. */
export const PNG_1x1 = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
);
export const PDF_MINI = new TextEncoder().encode(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
