/**
 * Errors core/ raises for people to read. They carry codes, never sentences: the bot and
 * the API translate `errors.<code>` from locales/ in the user's language.
 */
export interface FieldError {
  /** Dotted path of the input field, e.g. "child.iin". */
  field: string;
  /** Key under errors.* in locales, e.g. "iin_checksum". */
  code: string;
  params?: Record<string, string | number>;
}

export class ValidationError extends Error {
  constructor(readonly fields: FieldError[]) {
    super(`validation failed: ${fields.map((f) => `${f.field}:${f.code}`).join(', ')}`);
    this.name = 'ValidationError';
  }
}

export class ConflictError extends ValidationError {
  constructor(fields: FieldError[]) {
    super(fields);
    this.name = 'ConflictError';
  }
}

export class NotFoundError extends Error {
  constructor(
    readonly entity: string,
    readonly id: number | string,
  ) {
    super(`${entity} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: string,
    readonly event: string,
    readonly code: 'illegal_transition' | 'actor_not_allowed' | 'reason_required' = 'illegal_transition',
  ) {
    super(`${code}: cannot ${event} from ${from}`);
    this.name = 'IllegalTransitionError';
  }
}

/** A rule of the service forbids the action now (e.g. the August freeze). */
export class RuleError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = 'RuleError';
  }
}

/** Unreachable or dropped database rather than a bad request. Drizzle wraps the driver's error as `cause`. */
const UNAVAILABLE_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown: the backend was terminated
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, severity } = e as { code?: unknown; severity?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (severity === 'FATAL') return true;
  }
  return false;
}
