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

/** The value is already taken by another record (a unique constraint): a 409 with field errors. */
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
