/** Steps shared by several conversations: choosing from a long list, a phone, a document. */
import { InlineKeyboard, Keyboard } from 'grammy';
import type { Message } from 'grammy/types';
import type { TFunction } from 'i18next';
import type { KindergartenChoice } from '../../core/catalogue.ts';
import { checkDocumentFile, checkDocumentSize, maxDocumentMegabytes } from '../../core/documents.ts';
import { ValidationError } from '../../core/errors.ts';
import { normalizePhone } from '../../core/phone.ts';
import type { Policy } from '../../core/policy.ts';
import { answerData, cb } from '../callbacks.ts';
import type { BotContext } from '../context.ts';
import { downloadTelegramFile, FileTooLargeError } from '../files.ts';
import { withNav } from '../keyboards/common.ts';
import { mainMenu } from '../keyboards/main-menu.ts';
import { BACK, fail, isAnswer, ok, type Answer, type Back, type Dialog, type Parsed } from './kit.ts';

/** A button answer among `values`, anything else explained. */
export function choice<T>(values: Record<string, T>) {
  return (answer: Answer, t: TFunction): Parsed<T> => {
    const word = answer.kind === 'button' ? cb.answer.decode(answer.data)?.answer : undefined;
    return word !== undefined && Object.hasOwn(values, word) ? ok(values[word] as T) : fail(t('bot.nav.useButtons'));
  };
}

const PAGE = 6;
const norm = (s: string) => s.toLocaleLowerCase('ru').replace(/[«»"№]/g, '').replace(/\s+/g, ' ').trim();

function matches(query: string | null, number: number | null, ...names: string[]): boolean {
  if (!query) return true;
  const q = norm(query);
  if (/^\d+$/.test(q) && number !== null) return number === Number(q);
  return names.some((n) => norm(n).includes(q));
}

function pager(kb: InlineKeyboard, page: number, pages: number): void {
  if (pages <= 1) return;
  kb.text('◀️', cb.page.encode({ page: (page - 1 + pages) % pages }))
    .text(`${page + 1}/${pages}`, cb.page.encode({ page }))
    .text('▶️', cb.page.encode({ page: (page + 1) % pages }))
    .row();
}

/**
 * Shows the new state of a list: in place when the parent tapped a button on it, as a new
 * message (the old one losing its buttons) when they typed, since the old one is now above.
 */
async function redraw(d: Dialog, msg: Message.TextMessage, v: { text: string; kb: InlineKeyboard }, resend: boolean): Promise<Message.TextMessage> {
  if (!resend && (await d.edit(msg, v.text, v.kb))) return msg;
  await d.edit(msg, msg.text, new InlineKeyboard());
  return d.say(v.text, { reply_markup: v.kb });
}

export interface Item {
  id: number;
  label: (lang: string) => string;
  number?: number;
  search: string[];
}

/** One item of a list too long for one screen: pages of buttons, and typing filters it. */
export async function pickOne(d: Dialog, opts: { title: (t: TFunction) => string; items: Item[]; back?: boolean }): Promise<number | Back> {
  let page = 0;
  let filter: string | null = null;
  const view = () => {
    const pool = opts.items.filter((i) => matches(filter, i.number ?? null, ...i.search));
    const pages = Math.max(1, Math.ceil(pool.length / PAGE));
    page = Math.min(page, pages - 1);
    const kb = new InlineKeyboard();
    for (const item of pool.slice(page * PAGE, (page + 1) * PAGE)) kb.text(item.label(d.ctx.lang), cb.pick.encode({ itemId: item.id })).row();
    pager(kb, page, pages);
    if (filter) kb.text(d.t('bot.pick.showAll'), answerData('all')).row();
    const lines = [opts.title(d.t)];
    if (pages > 1 || filter) lines.push(d.t('bot.pick.searchHint'));
    if (filter && pool.length === 0) lines.push('', d.t('bot.pick.notFound', { query: filter }));
    return { text: lines.join('\n'), kb: withNav(kb, d.t, { back: opts.back ?? true }) };
  };
  let v = view();
  let msg = await d.say(v.text, { reply_markup: v.kb });
  for (;;) {
    const a = await d.waitAnswer(msg.message_id);
    if (a.kind === 'back') return BACK;
    let resend = false;
    const data = a.kind === 'button' ? a.data : undefined;
    const pick = cb.pick.decode(data);
    const turn = cb.page.decode(data);
    if (pick) {
      if (opts.items.some((i) => i.id === pick.itemId)) return pick.itemId;
    } else if (turn) page = turn.page;
    else if (isAnswer(a, 'all')) filter = null;
    else if (a.kind === 'text') {
      filter = a.text;
      page = 0;
      resend = true;
    } else if (a.kind === 'aside') resend = true;
    else {
      await d.say(d.t('bot.nav.useButtons'));
      resend = true;
    }
    v = view();
    msg = await redraw(d, msg, v, resend);
  }
}

export const kindergartenName = (k: Pick<KindergartenChoice, 'nameKk' | 'nameRu'>, lang: string) => (lang === 'ru' ? k.nameRu : k.nameKk);

/**
 * Up to `max` kindergartens in the order of preference. Reaching `max` ends the choice;
 * "Done" ends it earlier. Typing a number or a name filters the list.
 */
export async function pickKindergartens(
  d: Dialog,
  opts: { candidates: KindergartenChoice[]; max: number; initial?: KindergartenChoice[]; back?: boolean },
): Promise<KindergartenChoice[] | Back> {
  let chosen = [...(opts.initial ?? [])];
  let page = 0;
  let filter: string | null = null;
  const name = (k: KindergartenChoice) => kindergartenName(k, d.ctx.lang);
  const chosenLines = () => chosen.map((k, i) => `${i + 1}) ${name(k)}`);
  const view = () => {
    const pool = opts.candidates.filter((k) => !chosen.some((c) => c.id === k.id) && matches(filter, k.number, k.nameKk, k.nameRu));
    const pages = Math.max(1, Math.ceil(pool.length / PAGE));
    page = Math.min(page, pages - 1);
    const kb = new InlineKeyboard();
    for (const k of pool.slice(page * PAGE, (page + 1) * PAGE)) kb.text(name(k), cb.kindergarten.encode({ kindergartenId: k.id })).row();
    pager(kb, page, pages);
    if (filter) kb.text(d.t('bot.pick.showAll'), answerData('all')).row();
    if (chosen.length) kb.text(d.t('bot.kg.done'), answerData('done')).text(d.t('bot.kg.clear'), answerData('clear'));
    const lines = [d.t('bot.kg.question', { max: opts.max })];
    if (chosen.length) lines.push('', d.t('bot.kg.chosen'), ...chosenLines());
    if (filter && pool.length === 0) lines.push('', d.t('bot.pick.notFound', { query: filter }));
    return { text: lines.join('\n'), kb: withNav(kb, d.t, { back: opts.back ?? true }) };
  };
  let v = view();
  let msg = await d.say(v.text, { reply_markup: v.kb });
  const finish = async () => {
    await d.edit(msg, [d.t('bot.kg.chosen'), ...chosenLines()].join('\n'), new InlineKeyboard());
    return chosen;
  };
  for (;;) {
    const a = await d.waitAnswer(msg.message_id);
    if (a.kind === 'back') return BACK;
    let resend = false;
    const data = a.kind === 'button' ? a.data : undefined;
    const tapped = cb.kindergarten.decode(data);
    const turn = cb.page.decode(data);
    if (tapped) {
      const k = opts.candidates.find((c) => c.id === tapped.kindergartenId);
      if (k && !chosen.some((c) => c.id === k.id)) chosen.push(k);
      if (chosen.length >= opts.max) return finish();
    } else if (turn) page = turn.page;
    else if (isAnswer(a, 'all')) filter = null;
    else if (isAnswer(a, 'done') && chosen.length) return finish();
    else if (isAnswer(a, 'clear')) chosen = [];
    else if (a.kind === 'text') {
      filter = a.text;
      page = 0;
      resend = true;
    } else if (a.kind === 'aside') resend = true;
    else {
      await d.say(d.t('bot.kg.hint'));
      resend = true;
    }
    v = view();
    msg = await redraw(d, msg, v, resend);
  }
}

/**
 * A phone by Telegram's "share contact" button (verified when it is the account's own) or typed.
 * The contact keyboard replaces the menu for this step; the menu comes back after it.
 */
export async function askPhone(d: Dialog, opts: { back: boolean }): Promise<{ phone: string; verified: boolean } | Back> {
  const answer = await d.ask<{ phone: string; verified: boolean }>({
    text: (t) => t('bot.phone.question'),
    keyboard: (t) => {
      const kb = new Keyboard().requestContact(t('bot.phone.share')).row();
      if (opts.back) kb.text(t('bot.nav.back'));
      return kb.text(t('bot.nav.cancel')).resized();
    },
    nav: { back: opts.back },
    parse: (a, t) => {
      if (a.kind !== 'contact' && a.kind !== 'text') return fail(t('bot.phone.expected'));
      const phone = normalizePhone(a.kind === 'contact' ? a.phone : a.text);
      if (!phone) return fail(t('errors.phone_invalid'));
      return ok({ phone, verified: a.kind === 'contact' && a.own });
    },
  });
  const text = answer === BACK ? d.t('bot.nav.wentBack') : d.t('bot.phone.saved', { phone: answer.phone });
  await d.say(text, { reply_markup: mainMenu(d.t) });
  return answer;
}

export interface SentFile {
  fileId: string;
  fileName: string | null;
}

/**
 * A photo or PDF, checked by its real type and size before it is accepted. `store` (run with
 * the downloaded bytes) keeps it when the application already exists; otherwise the file id is
 * kept and the file fetched again at submission.
 */
export async function askDocument(
  d: Dialog,
  opts: {
    text: (t: TFunction) => string;
    back: boolean;
    policy: Policy;
    store?: (outer: BotContext, bytes: Uint8Array, fileName: string | null) => Promise<void>;
    /** i18n key of a "send it later" button; the answer is then 'later'. */
    laterKey?: string;
  },
): Promise<SentFile | 'later' | Back> {
  const laterKey = opts.laterKey;
  return d.ask<SentFile | 'later'>({
    text: opts.text,
    ...(laterKey ? { keyboard: (t: TFunction) => new InlineKeyboard().text(t(laterKey), answerData('later')) } : {}),
    nav: { back: opts.back },
    parse: async (a, t) => {
      if (laterKey && isAnswer(a, 'later')) return ok('later' as const);
      if (a.kind !== 'file') return fail(t('bot.upload.expected', { max: maxDocumentMegabytes(opts.policy) }));
      const tooLarge = checkDocumentSize(a.size, opts.policy);
      if (tooLarge) return fail(t(`errors.${tooLarge.code}`, tooLarge.params));
      const result = await d.external(async (outer): Promise<{ ok: true } | { ok: false; code: string; params: Record<string, string | number> }> => {
        try {
          const bytes = await downloadTelegramFile(outer, a.fileId, opts.policy.maxDocumentBytes);
          const check = checkDocumentFile(bytes, opts.policy);
          if (!check.ok) return { ok: false, code: check.error.code, params: check.error.params ?? {} };
          await opts.store?.(outer, bytes, a.name);
          return { ok: true };
        } catch (err) {
          if (err instanceof FileTooLargeError) return { ok: false, code: 'document_too_large', params: { max: maxDocumentMegabytes(opts.policy) } };
          if (err instanceof ValidationError && err.fields[0]) return { ok: false, code: err.fields[0].code, params: err.fields[0].params ?? {} };
          outer.logger.warn({ err }, 'document download failed');
          return { ok: false, code: 'document_download', params: {} };
        }
      });
      if (!result.ok) return fail(t(`errors.${result.code}`, result.params));
      return ok({ fileId: a.fileId, fileName: a.name });
    },
  });
}
