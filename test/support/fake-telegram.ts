/**
 * The tests' Telegram: the bot's in-memory Bot API (bot/fake-api.ts, also behind the panel's
 * bot preview) plus what only tests need: every call recorded, methods or chats told to fail,
 * a message held unanswered, Telegram's flood limits, and serving it over HTTP. `FakeParent`
 * plays a parent: it sends messages, taps buttons it actually sees and shares contacts
 * through bot.handleUpdate.
 */
import { randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bot, Context } from 'grammy';
import type { InlineKeyboardButton, Update, UserFromGetMe } from 'grammy/types';
import { createFakeBotApi, type FakeApiCall, type FakeBotApi, type FakeMessage } from '../../bot/fake-api.ts';

export const BOT_TOKEN = '123456:TEST-token_for-the-fake';
export const botInfo: UserFromGetMe = {
  id: 123456,
  is_bot: true,
  first_name: 'Balabaqsha',
  username: 'balabaqsha_test_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export type ApiCall = FakeApiCall;
export type ShownMessage = FakeMessage;

type Failure = { error_code: number; description: string; parameters?: { retry_after?: number } };

/** Telegram's flood limits, enforced on sendMessage as they arrive: beyond them the answer is a 429. */
export interface FloodLimits {
  /** Messages a second for the whole bot (a sliding one-second window). */
  perSecond: number;
  /** Messages a second to one chat. */
  perChatPerSecond: number;
}

export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  /** sendMessage requests answered 429 because of the flood limits. */
  floodRefusals = 0;
  /** performance.now() of the latest message accepted. */
  lastSentAt = 0;
  private readonly api: FakeBotApi;
  private readonly failures = new Map<string, { failure: Failure; times: number }>();
  private readonly chatFailures = new Map<number, { failure: Failure; times: number }>();
  private readonly holds = new Map<number, { arrived: () => void; released: Promise<void> }>();
  /** Arrival times (ms) of accepted messages within the last second, and per chat the latest. */
  private readonly window: number[] = [];
  private readonly lastToChat = new Map<number, number>();

  constructor(private readonly limits: FloodLimits | null = null) {
    this.api = createFakeBotApi({ botInfo, firstMessageId: randomInt(1000, 100_000), intercept: (call) => this.intercept(call) });
  }

  /** The fetch to give grammY (`client: { fetch }`) and the bot's file downloads. */
  get fetch(): typeof fetch {
    return this.api.fetch;
  }

  /** Every message shown, by id, as it looks now. */
  get messages(): Map<number, ShownMessage> {
    return this.api.messages;
  }

  /** Records the call; answers with a failure when one is due, else lets the fake answer. */
  private async intercept(call: ApiCall): Promise<Response | undefined> {
    const { method, payload } = call;
    this.calls.push(call);
    const failure = this.failures.get(method);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      return Response.json({ ok: false, ...failure.failure });
    }
    if (method !== 'sendMessage') return undefined;
    const chatId = Number(payload.chat_id);
    const hold = this.holds.get(chatId);
    if (hold) {
      this.holds.delete(chatId);
      hold.arrived();
      await hold.released;
    }
    const chatFailure = this.chatFailures.get(chatId);
    if (chatFailure && chatFailure.times > 0) {
      chatFailure.times -= 1;
      return Response.json({ ok: false, ...chatFailure.failure });
    }
    const wait = this.floodWait(chatId);
    if (wait > 0) {
      this.floodRefusals += 1;
      return Response.json({
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${Math.ceil(wait / 1000)}`,
        parameters: { retry_after: Math.ceil(wait / 1000) },
      });
    }
    this.lastSentAt = performance.now();
    return undefined;
  }

  /** The next `times` calls of `method` fail with this Telegram error. */
  fail(method: string, failure: Failure, times = 1): void {
    this.failures.set(method, { failure, times });
  }

  /** The next `times` messages to this chat fail with this Telegram error (403, 400, 429…). */
  failChat(chatId: number, failure: Failure, times = Number.POSITIVE_INFINITY): void {
    this.chatFailures.set(chatId, { failure, times });
  }

  /**
   * The next message to this chat is received and then held unanswered until `release()`:
   * the sender cannot know whether it went out. `arrived` resolves when the request is here.
   */
  hold(chatId: number): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let release!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.set(chatId, { arrived, released });
    return { arrived: arrival, release };
  }

  /** Milliseconds until a message to `chatId` would be within the limits; 0 records it as accepted. */
  private floodWait(chatId: number): number {
    if (!this.limits) return 0;
    const now = performance.now();
    while (this.window.length && this.window[0]! <= now - 1000) this.window.shift();
    const last = this.lastToChat.get(chatId);
    const chatWait = last === undefined ? 0 : last + 1000 / this.limits.perChatPerSecond - now;
    const botWait = this.window.length >= this.limits.perSecond ? this.window[0]! + 1000 - now : 0;
    const wait = Math.max(chatWait, botWait);
    if (wait > 0) return wait;
    this.window.push(now);
    this.lastToChat.set(chatId, now);
    return 0;
  }

  /** Serves this fake over HTTP on 127.0.0.1 (grammY's `client: { apiRoot }`), as the real Bot API is reached. */
  async listen(): Promise<{ apiRoot: string; close: () => Promise<void> }> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
        const body = Buffer.concat(chunks);
        void this.fetch(`http://127.0.0.1${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body.length ? { body } : {}) })
          .then(async (answer) => {
            res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
            res.end(Buffer.from(await answer.arrayBuffer()));
          })
          .catch((err: unknown) => {
            res.writeHead(500);
            res.end(String(err));
          });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      apiRoot: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  /** A file the parent "uploaded": getFile and the download URL serve these bytes. */
  addFile(fileId: string, bytes: Uint8Array): void {
    this.api.addFile(fileId, bytes);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages shown in a chat, oldest first, as they look now (after edits). */
  chat(chatId: number): ShownMessage[] {
    return this.api.chat(chatId);
  }
}

let updateSeq = randomInt(1, 2 ** 40);
/** Update ids unique across test files (processed_updates is shared on the PostgreSQL backend). */
export const nextUpdateId = () => updateSeq++;
/** A Telegram user id of its own for each parent of each test. */
export const newTelegramUserId = () => randomInt(10_000_000, 2 ** 40);

/** A parent in a private chat with the bot. */
export class FakeParent {
  readonly id: number;
  private seen = 0;

  constructor(
    private readonly bot: Bot<Context> | { handleUpdate(u: Update): Promise<void> },
    private readonly tg: FakeTelegram,
    opts: { id?: number; languageCode?: string } = {},
  ) {
    this.id = opts.id ?? newTelegramUserId();
    this.languageCode = opts.languageCode ?? 'kk';
  }

  private readonly languageCode: string;

  private get user() {
    return { id: this.id, is_bot: false, first_name: 'Әсел', language_code: this.languageCode };
  }

  private get chatObj() {
    return { id: this.id, type: 'private' as const, first_name: 'Әсел' };
  }

  private message(extra: Record<string, unknown>) {
    return { message_id: randomInt(1, 2 ** 31), date: Math.floor(Date.now() / 1000), chat: this.chatObj, from: this.user, ...extra };
  }

  /** Delivers an update; returns what the bot showed in this chat because of it. */
  async deliver(update: Omit<Update, 'update_id'> & { update_id?: number }): Promise<ShownMessage[]> {
    const before = this.tg.chat(this.id).length;
    await this.bot.handleUpdate({ update_id: nextUpdateId(), ...update } as Update);
    const all = this.tg.chat(this.id);
    this.seen = all.length;
    return all.slice(before);
  }

  say(text: string): Promise<ShownMessage[]> {
    const entities = text.startsWith('/') ? [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]!.length }] : undefined;
    return this.deliver({ message: this.message({ text, ...(entities ? { entities } : {}) }) } as Update);
  }

  shareContact(phone: string, own = true): Promise<ShownMessage[]> {
    return this.deliver({
      message: this.message({ contact: { phone_number: phone, first_name: 'Әсел', ...(own ? { user_id: this.id } : {}) } }),
    } as Update);
  }

  sendPhoto(fileId: string, bytes: Uint8Array): Promise<ShownMessage[]> {
    this.tg.addFile(fileId, bytes);
    return this.deliver({
      message: this.message({ photo: [{ file_id: fileId, file_unique_id: `u${fileId}`, width: 800, height: 600, file_size: bytes.byteLength }] }),
    } as Update);
  }

  sendDocument(fileId: string, bytes: Uint8Array, fileName: string, mimeType: string): Promise<ShownMessage[]> {
    this.tg.addFile(fileId, bytes);
    return this.deliver({
      message: this.message({ document: { file_id: fileId, file_unique_id: `u${fileId}`, file_name: fileName, mime_type: mimeType, file_size: bytes.byteLength } }),
    } as Update);
  }

  /** Every message the bot showed this parent, as it looks now. */
  get messages(): ShownMessage[] {
    return this.tg.chat(this.id);
  }

  get last(): ShownMessage {
    const all = this.messages;
    const last = all[all.length - 1];
    if (!last) throw new Error('the bot has not said anything yet');
    return last;
  }

  /** The inline buttons of the newest message that has any. */
  buttons(): string[] {
    const m = [...this.messages].reverse().find((x) => x.inline);
    return m?.inline?.flat().map((b) => b.text) ?? [];
  }

  /** The reply keyboard currently under the input field (the newest one sent, unless removed since). */
  replyKeyboard(): string[] {
    const m = [...this.messages].reverse().find((x) => x.reply || x.removeKeyboard);
    return m?.reply?.flat().map((b) => (typeof b === 'string' ? b : b.text)) ?? [];
  }

  /** Taps the inline button with this text (or callback data) on the newest message showing it. */
  async tap(label: string | RegExp, opts: { messageId?: number } = {}): Promise<ShownMessage[]> {
    const match = (b: InlineKeyboardButton) =>
      'callback_data' in b && (typeof label === 'string' ? b.text === label || b.callback_data === label : label.test(b.text));
    const candidates = [...this.messages].reverse().filter((m) => (opts.messageId ? m.messageId === opts.messageId : true));
    for (const m of candidates) {
      const button = m.inline?.flat().find(match);
      if (button && 'callback_data' in button) {
        return this.deliver({
          callback_query: {
            id: String(randomInt(1, 2 ** 40)),
            from: this.user,
            chat_instance: `ci${this.id}`,
            data: button.callback_data,
            message: { message_id: m.messageId, date: Math.floor(Date.now() / 1000), chat: this.chatObj, text: m.text },
          },
        } as Update);
      }
    }
    throw new Error(`no button ${String(label)} on screen; buttons now: ${JSON.stringify(this.buttons())}`);
  }

  /** Taps a button of a paged list, turning pages (▶️) until it shows up. */
  async tapPaged(label: string | RegExp, maxPages = 50): Promise<ShownMessage[]> {
    for (let i = 0; i < maxPages; i++) {
      const has = this.buttons().some((b) => (typeof label === 'string' ? b === label : label.test(b)));
      if (has) return this.tap(label);
      await this.tap('▶️');
    }
    throw new Error(`no button ${String(label)} on any page`);
  }

  /** Sends raw callback data as if an old message's button were tapped. */
  tapData(data: string, messageId: number): Promise<ShownMessage[]> {
    return this.deliver({
      callback_query: {
        id: String(randomInt(1, 2 ** 40)),
        from: this.user,
        chat_instance: `ci${this.id}`,
        data,
        message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: this.chatObj, text: '' },
      },
    } as Update);
  }
}
