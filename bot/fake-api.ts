/**
 * Telegram's Bot API in memory, at the HTTP level: give `api.fetch` to grammY as
 * `client: { fetch }` (and to the bot's file downloads) and every call, including those made
 * inside conversations, lands here. It answers like Telegram, keeps the messages the bot sent
 * or edited, and serves files added with `addFile`. The panel's bot preview
 * (admin/server/bot-preview.ts) runs the real bot on it; the tests wrap it
 * (test/support/fake-telegram.ts) to fail, hold or rate-limit calls.
 */
import type { InlineKeyboardButton, KeyboardButton, UserFromGetMe } from 'grammy/types';

export interface FakeApiCall {
  method: string;
  payload: Record<string, unknown>;
}

/** A message as the chat shows it now (edits change it in place). */
export interface FakeMessage {
  messageId: number;
  chatId: number;
  /** The text, or a document's caption ('' when none). */
  text: string;
  parseMode: string | null;
  inline: InlineKeyboardButton[][] | null;
  reply: KeyboardButton[][] | null;
  removeKeyboard: boolean;
  /** The file name of a sent document. */
  document: string | null;
}

export interface FakeBotApiOptions {
  botInfo: UserFromGetMe;
  firstMessageId?: number;
  /** Beyond this many messages the oldest are forgotten, like a chat scrolled away. */
  keepMessages?: number;
  /** Sees every call first; a Response returned is the answer instead (a test's failures and limits). */
  intercept?: (call: FakeApiCall) => Response | undefined | Promise<Response | undefined>;
  /** Told of every answered call, with the message it sent, edited or deleted. */
  onCall?: (call: FakeApiCall, message: FakeMessage | null) => void;
}

export interface FakeBotApi {
  readonly fetch: typeof fetch;
  readonly messages: Map<number, FakeMessage>;
  /** A file the parent "uploaded": getFile and the download URL serve these bytes. */
  addFile(fileId: string, bytes: Uint8Array): void;
  /** Messages shown in a chat, oldest first, as they look now. */
  chat(chatId: number): FakeMessage[];
}

/** A request body as bytes (grammY sends JSON as a string, multipart as a stream). */
async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  return Buffer.from(await new Response(body as BodyInit).arrayBuffer());
}

/**
 * Multipart bodies (sendDocument & co.) read loosely: each part by its name, files as latin1
 * text (byte for byte), and the name of the file sent.
 */
function parseMultipart(raw: Buffer): { fields: Record<string, unknown>; fileName: string | null } {
  const fields: Record<string, unknown> = {};
  let fileName: string | null = null;
  const body = raw.toString('latin1');
  // Parts are split by the boundary itself: a file's bytes may contain "\r\n--" anywhere. grammY
  // writes `name="x";filename=a.pdf`, unquoted and without a space.
  const boundary = body.slice(0, body.indexOf('\r\n'));
  for (const part of body.split(`\r\n${boundary}`)) {
    const m = /name="([^"]+)"(?:;\s*filename="?([^";\r\n]*)"?)?[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*)$/.exec(part);
    if (!m) continue;
    const [, name, file, value = ''] = m;
    if (!name) continue;
    if (file !== undefined) {
      fileName ??= Buffer.from(file, 'latin1').toString('utf8');
      fields[name] = value;
      continue;
    }
    const text = Buffer.from(value, 'latin1').toString('utf8');
    try {
      fields[name] = JSON.parse(text);
    } catch {
      fields[name] = text;
    }
  }
  return { fields, fileName };
}

type Markup = { inline_keyboard?: InlineKeyboardButton[][]; keyboard?: KeyboardButton[][]; remove_keyboard?: boolean };

export function createFakeBotApi(opts: FakeBotApiOptions): FakeBotApi {
  const { botInfo } = opts;
  const messages = new Map<number, FakeMessage>();
  const files = new Map<string, { path: string; bytes: Uint8Array }>();
  let nextMessageId = opts.firstMessageId ?? 1;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);

  const answer = (method: string, p: Record<string, unknown>, fileName: string | null): { result: unknown; message: FakeMessage | null } => {
    const date = Math.floor(Date.now() / 1000);
    const markup = (p.reply_markup ?? {}) as Markup;
    const shape = (m: FakeMessage) => ({
      message_id: m.messageId,
      date,
      chat: { id: m.chatId, type: 'private', first_name: 'Parent' },
      from: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username },
      text: m.text,
      ...(m.inline ? { reply_markup: { inline_keyboard: m.inline } } : {}),
    });
    switch (method) {
      case 'getMe':
        return { result: botInfo, message: null };
      case 'sendMessage':
      case 'sendDocument':
      case 'sendPhoto': {
        const message: FakeMessage = {
          messageId: nextMessageId++,
          chatId: Number(p.chat_id),
          text: str(p.text) ?? str(p.caption) ?? '',
          parseMode: str(p.parse_mode),
          inline: markup.inline_keyboard ?? null,
          reply: markup.keyboard ?? null,
          removeKeyboard: markup.remove_keyboard ?? false,
          document: method === 'sendDocument' ? (fileName ?? 'document') : null,
        };
        messages.set(message.messageId, message);
        if (opts.keepMessages !== undefined && messages.size > opts.keepMessages) messages.delete(messages.keys().next().value!);
        return { result: shape(message), message };
      }
      case 'editMessageText':
      case 'editMessageCaption':
      case 'editMessageReplyMarkup': {
        const message = messages.get(Number(p.message_id));
        if (!message) return { result: true, message: null };
        const text = str(p.text) ?? str(p.caption);
        if (text !== null) message.text = text;
        // An edit without a keyboard takes the old one away, as in Telegram.
        message.inline = markup.inline_keyboard?.length ? markup.inline_keyboard : null;
        return { result: shape(message), message };
      }
      case 'deleteMessage': {
        const id = Number(p.message_id);
        const message = messages.get(id) ?? null;
        messages.delete(id);
        return { result: true, message };
      }
      case 'getFile': {
        const id = String(p.file_id);
        const f = files.get(id);
        return { result: { file_id: id, file_unique_id: `u${id}`, file_size: f?.bytes.byteLength, file_path: f?.path ?? `documents/${id}.bin` }, message: null };
      }
      default:
        return { result: true, message: null };
    }
  };

  const fakeFetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const file = /\/file\/bot[^/]+\/(.+)$/.exec(url.pathname);
    if (file) {
      const found = [...files.values()].find((f) => f.path === file[1]);
      return found ? new Response(Buffer.from(found.bytes)) : new Response('not found', { status: 404 });
    }
    const method = url.pathname.split('/').pop() ?? '';
    const raw = await bodyBytes(init?.body);
    const contentType = new Headers(init?.headers).get('content-type') ?? '';
    let payload: Record<string, unknown> = {};
    let fileName: string | null = null;
    if (contentType.includes('multipart')) ({ fields: payload, fileName } = parseMultipart(raw));
    else if (raw.length) payload = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const call = { method, payload };
    const instead = await opts.intercept?.(call);
    if (instead) return instead;
    const { result, message } = answer(method, payload, fileName);
    opts.onCall?.(call, message);
    return Response.json({ ok: true, result });
  }) as typeof fetch;

  return {
    fetch: fakeFetch,
    messages,
    addFile(fileId, bytes) {
      files.set(fileId, { path: `documents/${fileId}.bin`, bytes });
    },
    chat(chatId) {
      return [...messages.values()].filter((m) => m.chatId === chatId).sort((a, b) => a.messageId - b.messageId);
    },
  };
}
