/**
 * What every conversation needs: ask a question, wait for an answer that belongs to it, and
 * handle Back, Cancel, stale buttons and everything that is not an answer the same way at
 * every step. Conversations are replayed from their log on each update (conversations v2), so
 * everything here is deterministic: time and database reads go through `external`, and a
 * failed send is retried through recorded waits.
 */
import { GrammyError, HttpError, InlineKeyboard, Keyboard } from 'grammy';
import type { Message } from 'grammy/types';
import type { TFunction } from 'i18next';
import { cb, isQuestionData } from '../callbacks.ts';
import type { BotContext, BotConversation, ConvContext } from '../context.ts';
import { tidy, withNav } from '../keyboards/common.ts';
import { mainMenu } from '../keyboards/main-menu.ts';

/** What a step returns when the parent goes back (never stored: only passed between functions). */
export const BACK: unique symbol = Symbol('back');
export type Back = typeof BACK;

export type Answer =
  /** A button of the question: its callback data, decoded by the question (bot/callbacks.ts). */
  | { kind: 'button'; data: string }
  | { kind: 'text'; text: string }
  | { kind: 'contact'; phone: string; own: boolean }
  | { kind: 'file'; fileId: string; size: number | undefined; name: string | null; photo: boolean }
  | { kind: 'back' }
  /** A command or menu press was answered, or the parent chose not to stop: the question is asked again. */
  | { kind: 'aside' }
  | { kind: 'other' };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string | null };
export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = (error: string | null): Parsed<never> => ({ ok: false, error });
/** Whether the answer is the question's button with this word (`answerData(word)`). */
export const isAnswer = (a: Answer, word: string): boolean => a.kind === 'button' && cb.answer.decode(a.data)?.answer === word;

/** Texts that act as buttons when typed or tapped on a reply keyboard, in every language. */
export interface Labels {
  menu: ReadonlySet<string>;
  back: ReadonlySet<string>;
  cancel: ReadonlySet<string>;
  /** The bot's features (commands, menu, language buttons), to answer one in the middle of a dialog. */
  aside: (ctx: BotContext) => Promise<void>;
}

export interface DialogOptions {
  /** i18n key of the message shown when the parent stops. */
  cancelledKey: string;
  /**
   * i18n key of the line that follows an answered command or menu press, before the question
   * comes again. Without it the update goes to the rest of the bot and the question waits.
   */
  resumeKey?: string;
  /** Stopping a dialog that has answers: asked first, and what to keep (apply.ts). */
  stop?: {
    /** Whether there is anything to lose; nothing to lose stops at once. */
    hasAnswers: () => boolean;
    question: (t: TFunction) => string;
    /** Keeps the answers; returns the text that says they were kept. */
    keep: () => Promise<string>;
  };
}

export interface Question<T> {
  text: (t: TFunction) => string;
  /** Inline buttons (question kinds of bot/callbacks.ts) or a reply keyboard (contact sharing). */
  keyboard?: (t: TFunction) => InlineKeyboard | Keyboard;
  nav?: { back?: boolean; cancel?: boolean };
  parse: (answer: Answer, t: TFunction) => Parsed<T> | Promise<Parsed<T>>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function retryDelay(err: unknown, attempt: number): number | null {
  if (attempt >= 4) return null;
  if (err instanceof GrammyError && err.error_code === 429) return (err.parameters.retry_after ?? 1) * 1000;
  if (err instanceof HttpError) return 500 * attempt;
  return null;
}

type ReplyOther = Parameters<ConvContext['reply']>[1];

export class Dialog {
  ctx: ConvContext;

  constructor(
    readonly conv: BotConversation,
    ctx: ConvContext,
    private readonly labels: Labels,
    options: string | DialogOptions,
  ) {
    this.ctx = ctx;
    this.options = typeof options === 'string' ? { cancelledKey: options } : options;
  }

  private readonly options: DialogOptions;
  /** Whether "are you sure?" is on screen: Cancel pressed again means yes. */
  private stopping = false;

  get t(): TFunction {
    return this.ctx.t;
  }

  /** Database and other outside work, recorded for replays. */
  external<R>(task: (outer: BotContext) => R | Promise<R>): Promise<R> {
    return this.conv.external(task);
  }

  async now(): Promise<Date> {
    return new Date(await this.conv.now());
  }

  /** Sends a message; network errors and rate limits are retried after recorded waits. */
  async say(text: string, other?: ReplyOther): Promise<Message.TextMessage> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ctx.reply(text, other);
      } catch (err) {
        const delay = retryDelay(err, attempt);
        if (delay === null) throw err;
        await this.conv.external(() => sleep(delay));
      }
    }
  }

  /** Replaces a message's text and buttons; false when Telegram refuses (too old, deleted). */
  async edit(message: Message.TextMessage, text: string, keyboard: InlineKeyboard): Promise<boolean> {
    try {
      await this.ctx.api.editMessageText(message.chat.id, message.message_id, text, { reply_markup: tidy(keyboard) });
      return true;
    } catch {
      return false;
    }
  }

  /** Ends the conversation politely, back to the main menu. */
  async cancel(text = this.t(this.options.cancelledKey)): Promise<never> {
    await this.say(text, { reply_markup: mainMenu(this.t) });
    return this.conv.halt();
  }

  /**
   * Cancel pressed: with answers given, asks first; "no" asks the pending question again,
   * "yes" keeps the answers for a while and ends.
   */
  private async stop(): Promise<Answer> {
    const stop = this.options.stop;
    if (this.stopping) return { kind: 'button', data: cb.stop.encode({ sure: 'yes' }) };
    if (!stop?.hasAnswers()) return this.cancel();
    this.stopping = true;
    const sure = await this.ask({
      text: stop.question,
      keyboard: (t) => new InlineKeyboard().text(t('bot.nav.stopYes'), cb.stop.encode({ sure: 'yes' })).row().text(t('bot.nav.stopNo'), cb.stop.encode({ sure: 'no' })),
      nav: { back: false, cancel: false },
      parse: (a, t) => {
        const answer = a.kind === 'button' ? cb.stop.decode(a.data) : null;
        return answer ? ok(answer.sure === 'yes') : fail(t('bot.nav.useButtons'));
      },
    });
    this.stopping = false;
    if (sure !== true) return { kind: 'aside' };
    return this.cancel(await stop.keep());
  }

  /** Ends the conversation after a final message. */
  async finish(text: string, other?: ReplyOther): Promise<never> {
    await this.say(text, other ?? { reply_markup: mainMenu(this.t) });
    return this.conv.halt();
  }

  /** Sends the question with its keyboard (plus Back/Cancel) and returns the message. */
  async send<T>(q: Pick<Question<T>, 'text' | 'keyboard' | 'nav'>): Promise<Message.TextMessage> {
    const kb = q.keyboard?.(this.t) ?? new InlineKeyboard();
    if (kb instanceof Keyboard) return this.say(q.text(this.t), { reply_markup: kb });
    return this.say(q.text(this.t), { reply_markup: withNav(kb, this.t, q.nav) });
  }

  /**
   * Asks until the answer parses: a wrong answer gets its short explanation and the same
   * question again. Returns BACK when the parent goes back.
   */
  async ask<T>(q: Question<T>): Promise<T | Back> {
    let question = await this.send(q);
    for (;;) {
      const answer = await this.waitAnswer(question.message_id);
      if (answer.kind === 'aside') {
        question = await this.send(q);
        continue;
      }
      if (answer.kind === 'back') {
        if (q.nav?.back === false) continue;
        return BACK;
      }
      const parsed = await q.parse(answer, this.t);
      if (parsed.ok) return parsed.value;
      if (parsed.error) await this.say(parsed.error);
      question = await this.send(q);
    }
  }

  /**
   * The next update that answers the question `questionId`. Cancel ends the conversation from
   * any step; commands, menu buttons and other features' buttons are passed on to the rest of
   * the bot while the question keeps waiting; a button of an older question is refused.
   */
  async waitAnswer(questionId: number): Promise<Answer> {
    for (;;) {
      const ctx = await this.conv.wait();
      this.ctx = ctx;
      const query = ctx.callbackQuery;
      if (query) {
        const data = query.data ?? '';
        if (cb.language.decode(data) && this.options.resumeKey) return this.aside();
        const back = cb.back.decode(data) !== null;
        const cancel = cb.cancel.decode(data) !== null;
        if (!isQuestionData(data) && !back && !cancel) return this.conv.skip({ next: true });
        if (cancel) {
          await ctx.answerCallbackQuery().catch(() => {});
          return this.stop();
        }
        if (query.message?.message_id !== questionId) {
          await ctx.answerCallbackQuery({ text: this.t('bot.nav.outdated') }).catch(() => {});
          continue;
        }
        await ctx.answerCallbackQuery().catch(() => {});
        if (back) return { kind: 'back' };
        return { kind: 'button', data };
      }
      const msg = ctx.message;
      if (!msg) return this.conv.skip({ next: true });
      if (msg.text !== undefined) {
        const text = msg.text.trim();
        if (text === '/cancel' || this.labels.cancel.has(text)) return this.stop();
        if (this.labels.back.has(text)) return { kind: 'back' };
        if (text.startsWith('/') || this.labels.menu.has(text)) return this.options.resumeKey ? this.aside() : this.conv.skip({ next: true });
        return { kind: 'text', text };
      }
      if (msg.contact) {
        return { kind: 'contact', phone: msg.contact.phone_number, own: msg.contact.user_id === ctx.from?.id };
      }
      if (msg.document) {
        const d = msg.document;
        return { kind: 'file', fileId: d.file_id, size: d.file_size, name: d.file_name ?? null, photo: false };
      }
      if (msg.photo?.length) {
        const best = msg.photo[msg.photo.length - 1]!;
        return { kind: 'file', fileId: best.file_id, size: best.file_size, name: null, photo: true };
      }
      return { kind: 'other' };
    }
  }

  /**
   * Answers a command, a menu press or a language button with the bot's own features, then
   * says that the dialog goes on and how to leave it, in the language chosen meanwhile.
   */
  private async aside(): Promise<Answer> {
    const lang = await this.external(async (outer) => {
      await this.labels.aside(outer);
      return outer.lang;
    });
    this.ctx.lang = lang;
    this.ctx.t = this.ctx.translators[lang];
    await this.say(this.t(this.options.resumeKey!));
    return { kind: 'aside' };
  }
}

/** Invisible characters (format marks, Hangul fillers): a message of only these is empty. */
const INVISIBLE = /[\p{Cf}\u115F\u1160\u3164\uFFA0]/gu;

/**
 * One free-text answer, trimmed, with a length check that says what is wrong with this text;
 * other kinds of answers explain themselves.
 */
export function textAnswer(answer: Answer, t: TFunction, opts: { min?: number; max?: number } = {}): Parsed<string> {
  if (answer.kind !== 'text') return fail(t('bot.nav.textExpected'));
  const text = answer.text.replace(/\s+/g, ' ').trim();
  if (text.replace(INVISIBLE, '').trim().length === 0) return fail(t('bot.answer.empty'));
  const min = opts.min ?? 1;
  const max = opts.max ?? 200;
  if (text.length < min) return fail(t('bot.answer.tooShort', { min, length: text.length }));
  if (text.length > max) return fail(t('bot.answer.tooLong', { max, length: text.length }));
  return ok(text);
}
