/**
 * Every kind of inline button the bot sends, declared once: a fixed prefix and typed fields.
 * Keyboards call `encode`, features register handlers with `onCallback`, so a renamed kind or
 * a changed field is a type error. Data that does not decode (crafted, or a button of a kind
 * that no longer exists) matches no handler and is answered "outdated" by features/unhandled.ts.
 *
 * The wire format is the one the bot has always sent (`app:w:12`): buttons already in parents'
 * chats keep working after a deploy. Field order on the wire is the order of declaration.
 */
import type { CallbackQueryContext, Composer } from 'grammy';
import { priorityCategoryEnum } from '../db/schema/enums.ts';
import type { BotContext } from './context.ts';

/** Telegram refuses a button whose callback data is longer than this, in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

export interface Field<T> {
  /** A regular expression source without groups that matches exactly the encoded values. */
  readonly pattern: string;
  parse(raw: string): T | undefined;
  format(value: T): string;
}

/** A database id: a positive integer (the pattern keeps it within safe integers). */
export const id: Field<number> = {
  pattern: '[1-9]\\d{0,14}',
  parse: (raw) => (/^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined),
  format: (value) => {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`callback data: not an id: ${value}`);
    return String(value);
  },
};

/** A page number of a paged list, from 0. */
export const page: Field<number> = {
  pattern: '0|[1-9]\\d{0,5}',
  parse: (raw) => (/^(0|[1-9]\d{0,5})$/.test(raw) ? Number(raw) : undefined),
  format: (value) => {
    if (!Number.isInteger(value) || value < 0 || value > 999_999) throw new Error(`callback data: not a page: ${value}`);
    return String(value);
  },
};

/** A short word of a question's own vocabulary (`yes`, `skip`, a category, a step). */
export const word: Field<string> = {
  pattern: '[A-Za-z0-9_]{1,40}',
  parse: (raw) => (/^[A-Za-z0-9_]{1,40}$/.test(raw) ? raw : undefined),
  format: (value) => value,
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One of a fixed set of words. */
export function oneOf<const T extends readonly string[]>(values: T): Field<T[number]> {
  for (const v of values) if (!/^[a-z0-9_]+$/i.test(v)) throw new Error(`callback data: bad word ${v}`);
  return {
    pattern: values.map(escape).join('|'),
    parse: (raw) => (values.includes(raw) ? (raw as T[number]) : undefined),
    format: (value) => value,
  };
}

type Values<F> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

export interface CallbackKind<T> {
  readonly prefix: string;
  /** Matches exactly the data this kind encodes: for `bot.callbackQuery`. */
  readonly filter: RegExp;
  /** The callback data for a button; throws on a value the kind cannot carry or data over 64 bytes. */
  encode(...values: keyof T extends never ? [] : [T]): string;
  /** The values, or null for data that is not of this kind or is malformed. */
  decode(data: string | undefined): T | null;
}

export function callbackKind<const F extends Record<string, Field<unknown>> = Record<never, never>>(prefix: string, fields: F = {} as F): CallbackKind<Values<F>> {
  const names = Object.keys(fields) as (keyof F & string)[];
  const filter = new RegExp(`^${escape(prefix)}${names.map((n) => `:(${fields[n]!.pattern})`).join('')}$`);
  return {
    prefix,
    filter,
    encode(...args) {
      const values = (args[0] ?? {}) as Record<string, unknown>;
      const data = [prefix, ...names.map((n) => fields[n]!.format(values[n]))].join(':');
      if (new TextEncoder().encode(data).byteLength > CALLBACK_DATA_MAX_BYTES) throw new Error(`callback data over ${CALLBACK_DATA_MAX_BYTES} bytes: ${data}`);
      if (!filter.test(data)) throw new Error(`callback data: ${data} would not decode as ${prefix}`);
      return data;
    },
    decode(data) {
      const m = data === undefined ? null : filter.exec(data);
      if (!m) return null;
      const out: Record<string, unknown> = {};
      for (const [i, n] of names.entries()) {
        const value = fields[n]!.parse(m[i + 1]!);
        if (value === undefined) return null;
        out[n] = value;
      }
      return out as Values<F>;
    },
  };
}

/** Registers a handler for one kind; it receives the decoded values. */
export function onCallback<T>(
  composer: Composer<BotContext>,
  kind: CallbackKind<T>,
  handler: (ctx: CallbackQueryContext<BotContext>, values: T) => unknown,
): void {
  composer.callbackQuery(kind.filter, async (ctx, next) => {
    const values = kind.decode(ctx.callbackQuery.data);
    if (values === null) return next();
    await handler(ctx, values);
  });
}

const application = { applicationId: id };

/** The bot's buttons outside conversations, by what they do. */
export const cb = {
  language: callbackKind('lang', { language: oneOf(['kk', 'ru']) }),
  help: callbackKind('help', { topic: oneOf(['schedule', 'documents', 'contacts', 'complaint']) }),
  applyRestart: callbackKind('apply:restart'),
  feedback: callbackKind('fb:start'),
  feedbackOn: callbackKind('fb:start', application),
  myList: callbackKind('my:list'),
  withdraw: callbackKind('app:w', application),
  withdrawYes: callbackKind('app:wy', application),
  withdrawNo: callbackKind('app:wn', application),
  offerConfirm: callbackKind('app:oc', application),
  offerDecline: callbackKind('app:od', application),
  offerDeclineYes: callbackKind('app:ody', application),
  keep: callbackKind('app:keep'),
  category: callbackKind('app:c', application),
  categoryChosen: callbackKind('app:cc', { applicationId: id, category: oneOf(priorityCategoryEnum.enumValues) }),
  editKindergartens: callbackKind('app:k', application),
  editPhone: callbackKind('app:p', application),
  uploadDocument: callbackKind('app:d', application),
  contactConfirm: callbackKind('cc:ok', { checkId: id }),
  contactChange: callbackKind('cc:new', { checkId: id }),
  /** Back and Cancel under every question of a conversation (bot/conversations/kit.ts). */
  back: callbackKind('nav:back'),
  cancel: callbackKind('nav:cancel'),
  /**
   * The buttons of one question (`q:…`): the conversation takes them only from the message
   * that asked, and the question decodes them. A plain answer is a word of its own (`q:yes`).
   */
  answer: callbackKind('q', { answer: word }),
  pick: callbackKind('q:pick', { itemId: id }),
  kindergarten: callbackKind('q:kg', { kindergartenId: id }),
  page: callbackKind('q:page', { page }),
  edit: callbackKind('q:edit', { step: word }),
  stop: callbackKind('q:stop', { sure: oneOf(['yes', 'no']) }),
} as const;

/** Whether the data belongs to a conversation's question (its kinds above start with `q:`). */
export const isQuestionData = (data: string): boolean => data.startsWith('q:');

/** The data of a question's button that answers with a word. */
export const answerData = (answer: string): string => cb.answer.encode({ answer });
