import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { Database } from '../../db/client.ts';
import type { Config } from '../../core/config.ts';
import { uniqueViolation } from '../../db/constraints.ts';
import { ConflictError, IllegalTransitionError, NotFoundError, RuleError, ValidationError, type FieldError } from '../../core/errors.ts';
import { integer, INT_RANGES, jsonInputError } from '../../core/input.ts';
import type { Logger } from '../../core/logger.ts';
import type { Policy } from '../../core/policy.ts';
import { can, districtScope, staffActor, type Permission } from '../../core/permissions.ts';
import type { StaffSession } from '../../core/staff-sessions.ts';
import type { Actor } from '../../core/audit.ts';
import type { SigningKey } from '../../core/signing.ts';

export interface ApiDeps {
  database: Database;
  config: Config;
  logger: Logger;
  policy: Policy;
  signingKey: SigningKey;
}

export type ApiEnv = { Variables: { requestId: string; session: StaffSession } };
export type ApiContext = Context<ApiEnv>;

export function actorOf(c: ApiContext): Actor {
  return staffActor(c.get('session').user);
}

export function need(permission: Permission): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!can(c.get('session').user, permission)) return c.json({ error: 'forbidden', permission }, 403);
    await next();
  };
}

export function scopeWhere(c: ApiContext, permission: Permission, column: AnyColumn): SQL | undefined {
  const scope = districtScope(c.get('session').user, permission);
  if (scope === 'all') return undefined;
  return scope.length ? inArray(column, scope) : sql`false`;
}

export function inScope(c: ApiContext, permission: Permission, districtId: number): boolean {
  const scope = districtScope(c.get('session').user, permission);
  return scope === 'all' || scope.includes(districtId);
}

export const idParam = integer({ min: 1, max: INT_RANGES.int4.max });

/** Only digits: no "1e3", " 1" or "0x1F". */
export function pathId(c: ApiContext): number {
  const raw = c.req.param('id') ?? '';
  const parsed = idParam.safeParse(raw);
  if (!/^\d+$/.test(raw) || !parsed.success) throw new NotFoundError('record', raw.slice(0, 40));
  return parsed.data;
}

/** Control characters and deep nesting (core/input.ts) are checked here once for every route. */
export async function readJson(c: ApiContext): Promise<unknown> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ValidationError([{ field: '', code: 'invalid' }]);
  }
  const error = jsonInputError(body);
  if (error) throw new ValidationError([error]);
  return body;
}

/** react-admin's update sends the whole record back; a body without any of the fields is a 400. */
export function pick(body: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError([{ field: '', code: 'invalid' }]);
  const picked = Object.fromEntries(Object.entries(body).filter(([key]) => keys.includes(key)));
  if (!Object.keys(picked).length) throw new ValidationError([{ field: '', code: 'nothing_to_change', params: { fields: keys.join(', ') } }]);
  return picked;
}

export function parseBody<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  // reportInput: a value of the wrong type ("abc" for a number) is invalid, only an absent one required.
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error));
  return parsed.data;
}

export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    const code = missing || (issue.code === 'too_small' && issue.origin === 'string') ? 'required' : issue.code === 'too_big' ? 'too_long' : 'invalid';
    return { field: issue.path.join('.'), code };
  });
}

/** Anything not mapped is the caller's opaque 500. */
export function errorAnswer(err: unknown): { status: ContentfulStatusCode; body: Record<string, unknown> } | null {
  if (err instanceof ConflictError) return { status: 409, body: { error: 'conflict', message: 'ra.message.invalid_form', fields: err.fields } };
  if (err instanceof ValidationError) {
    return { status: 400, body: { error: 'validation', message: 'ra.message.invalid_form', fields: err.fields } };
  }
  if (err instanceof NotFoundError) return { status: 404, body: { error: 'not_found', message: 'errors.not_found' } };
  if (err instanceof IllegalTransitionError) {
    return { status: 409, body: { error: err.code, message: `errors.${err.code}`, from: err.from, event: err.event } };
  }
  if (err instanceof RuleError) return { status: 409, body: { error: err.code, message: `errors.${err.code}`, params: err.params } };
  if (err instanceof HTTPException && err.status < 500) return { status: err.status, body: { error: 'bad_request' } };
  // A unique constraint core did not expect to meet (a race between two requests, say): the field
  // is the constraint's last column as the schema names it.
  const unique = uniqueViolation(err);
  if (unique) return { status: 409, body: { error: 'conflict', message: 'errors.taken', fields: [{ field: unique.columns.at(-1) ?? '', code: 'taken' }] } };
  return null;
}
