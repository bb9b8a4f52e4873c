/**
 * POST /api/bot-preview: staff talk to the real parent bot (createBot from bot/index.ts) inside
 * the panel, without Telegram. Each step becomes a Telegram update fed to bot.handleUpdate; the
 * bot's API client is the in-memory Bot API of bot/fake-api.ts (`client: { fetch }`), and the
 * answer is what the bot sent, edited or deleted, texts and keyboards included.
 *
 * The bot runs on a sandbox: an in-memory PGlite, migrated with the same migrations, holding a
 * copy of the reference data (districts, kindergartens, groups, policy). An application made in
 * the preview is a real application of the sandbox, never of the service: staff can try every
 * path without putting a test child in a real queue.
 *
 * The sandbox costs hundreds of megabytes and seconds to start, so a process holds at most one,
 * shared by every server it runs: made on first use, closed after PREVIEW_IDLE_MS unused and
 * made afresh after PREVIEW_MAX_STEPS steps (its database grows with every chat), and replaced
 * when a server on another database asks. Only admins and district staff may use it
 * (core/permissions.ts 'bot.preview'): they are the ones who explain the bot to parents.
 */
import { Hono } from 'hono';
import type { i18n } from 'i18next';
import { z } from 'zod';
import type { Update, UserFromGetMe } from 'grammy/types';
import { createFakeBotApi, type FakeApiCall, type FakeMessage } from '../../bot/fake-api.ts';
import { createBot } from '../../bot/index.ts';
import { openDatabase, type Database } from '../../db/client.ts';
import { botSessions, districts, groups, kindergartens, localities, policySettings } from '../../db/schema/index.ts';
import { eq } from 'drizzle-orm';
import { generateSigningKey } from '../../core/signing.ts';
import { createI18n } from '../../locales/index.ts';
import { need, parseBody, readJson, type ApiDeps, type ApiEnv } from './context.ts';
import { languageSchema } from '../../core/input.ts';

const PREVIEW_TOKEN = '1000000000:PREVIEW-no-telegram';
const botInfo = {
  id: 1_000_000_000,
  is_bot: true,
  first_name: 'Balabaqsha',
  username: 'balabaqsha_preview_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
} as UserFromGetMe;
/** Preview chats: one per staff member, far above real Telegram user ids in use today. */
const PREVIEW_USER_BASE = 9_000_000_000_000;
/** A number the sandbox accepts as the parent's shared contact. */
const PREVIEW_PHONE = '+77000000000';
/** Unused this long, the sandbox is closed and its memory freed; the next step makes a new one. */
export const PREVIEW_IDLE_MS = 10 * 60_000;
/** After this many steps the sandbox is made afresh, so its database cannot grow without end. */
export const PREVIEW_MAX_STEPS = 2_000;
const PREVIEW_SHOWN_MESSAGES = 500;

export interface PreviewMessage {
  id: number;
  method: string;
  text: string | null;
  /** Telegram's parse mode of the text (HTML) — the page renders a safe subset. */
  parseMode: string | null;
  inline: { text: string; data: string | null; url: string | null }[][] | null;
  reply: { text: string; requestContact: boolean }[][] | null;
  removeKeyboard: boolean;
  editOf: number | null;
  document: string | null;
}

/** What a staff member sees of one call of the bot: a message sent, edited or deleted, or a callback answer's text. */
function shown(call: FakeApiCall, m: FakeMessage | null): PreviewMessage | null {
  const base = { parseMode: null, inline: null, reply: null, removeKeyboard: false, editOf: null, document: null };
  const { method, payload } = call;
  if (method === 'deleteMessage') return { ...base, id: Number(payload.message_id), method, text: null };
  if (method === 'answerCallbackQuery') return typeof payload.text === 'string' && payload.text ? { ...base, id: 0, method, text: payload.text } : null;
  if (!m) return null;
  const view: PreviewMessage = {
    id: m.messageId,
    method,
    text: m.text === '' ? null : m.text,
    parseMode: m.parseMode,
    inline: m.inline?.map((row) => row.map((b) => ({ text: b.text, data: 'callback_data' in b ? b.callback_data : null, url: 'url' in b ? b.url : null }))) ?? null,
    reply: m.reply?.map((row) => row.map((b) => (typeof b === 'string' ? { text: b, requestContact: false } : { text: b.text, requestContact: 'request_contact' in b && Boolean(b.request_contact) }))) ?? null,
    removeKeyboard: m.removeKeyboard,
    editOf: null,
    document: m.document,
  };
  return method.startsWith('edit') ? { ...view, editOf: m.messageId } : view;
}

/** The bot's in-memory Bot API (bot/fake-api.ts); `take()` returns what was shown since the last call. */
class PreviewTelegram {
  private pending: PreviewMessage[] = [];
  private readonly api = createFakeBotApi({
    botInfo,
    keepMessages: PREVIEW_SHOWN_MESSAGES,
    onCall: (call, message) => {
      const view = shown(call, message);
      if (view) this.pending.push(view);
    },
  });
  readonly fetch = this.api.fetch;

  take(): PreviewMessage[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

type Sandbox = { sandbox: Database; bot: ReturnType<typeof createBot>; telegram: PreviewTelegram };

/** The sandbox database, the bot on it and its fake Telegram: one per process at a time. */
class BotPreview {
  private ready: Promise<Sandbox> | null = null;
  private updateId = Date.now();
  private queue: Promise<unknown> = Promise.resolve();
  private steps = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  /** The service database the reference data is copied from. */
  source: Database | null = null;
  /** How many sandboxes this process has started, for the tests of its limits. */
  started = 0;
  /** The limits, shrunk by tests. */
  idleMs = PREVIEW_IDLE_MS;
  maxSteps = PREVIEW_MAX_STEPS;

  private start(deps: ApiDeps & { i18n?: i18n }): Promise<Sandbox> {
    this.ready ??= (async () => {
      this.started++;
      const sandbox = await openDatabase({ dataDir: 'memory://' });
      await sandbox.migrate();
      const source = deps.database.db;
      // Reference data only, ids kept: the bot lists the same districts and kindergartens.
      const copy = async <T extends Record<string, unknown>>(rows: T[], insert: (batch: T[]) => Promise<unknown>) => {
        for (let i = 0; i < rows.length; i += 500) await insert(rows.slice(i, i + 500));
      };
      await copy(await source.select().from(localities), (b) => sandbox.db.insert(localities).values(b));
      await copy(await source.select().from(districts), (b) => sandbox.db.insert(districts).values(b));
      await copy(await source.select().from(kindergartens), (b) => sandbox.db.insert(kindergartens).values(b));
      await copy(await source.select().from(groups), (b) => sandbox.db.insert(groups).values(b));
      await copy(await source.select().from(policySettings), (b) => sandbox.db.insert(policySettings).values(b));
      const telegram = new PreviewTelegram();
      const bot = createBot(
        {
          db: sandbox.db,
          logger: deps.logger.child({ part: 'bot-preview' }),
          config: { ...deps.config, BOT_TOKEN: PREVIEW_TOKEN, TELEGRAM_API_ROOT: undefined },
          policy: deps.policy,
          i18n: deps.i18n ?? (await createI18n()),
          signingKey: generateSigningKey(),
          fetch: telegram.fetch,
        },
        { botInfo, client: { fetch: telegram.fetch } },
      );
      return { sandbox, bot, telegram };
    })();
    return this.ready;
  }

  /**
   * One step of a staff member's preview chat; steps are run one at a time, so the messages
   * returned are exactly those this step caused.
   */
  step(deps: ApiDeps & { i18n?: i18n }, staffId: number, input: PreviewInput): Promise<PreviewMessage[]> {
    const run = async () => {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      // A sandbox copied from another database, or one grown by many chats, starts afresh.
      if (this.source !== deps.database || this.steps >= this.maxSteps) await this.close();
      this.source = deps.database;
      this.steps++;
      const { sandbox, bot, telegram } = await this.start(deps);
      const chatId = PREVIEW_USER_BASE + staffId;
      telegram.take();
      if (input.action === 'reset') {
        // A new conversation: the bot forgets the chosen language and any half-made step.
        await sandbox.db.delete(botSessions).where(eq(botSessions.key, String(chatId)));
        return [];
      }
      const from = { id: chatId, is_bot: false, first_name: 'Preview', language_code: input.language };
      const chat = { id: chatId, type: 'private' as const, first_name: 'Preview' };
      const date = Math.floor(Date.now() / 1000);
      const update_id = ++this.updateId;
      let update: Update;
      if (input.action === 'callback') {
        update = {
          update_id,
          callback_query: {
            id: String(update_id),
            from,
            chat_instance: String(chatId),
            data: input.data,
            message: { message_id: input.messageId, date, chat, text: '' },
          },
        } as Update;
      } else if (input.action === 'contact') {
        update = { update_id, message: { message_id: update_id, date, chat, from, contact: { phone_number: PREVIEW_PHONE, first_name: 'Preview', user_id: chatId } } } as Update;
      } else {
        const text = input.text;
        const command = text.startsWith('/') ? [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]!.length }] : undefined;
        update = { update_id, message: { message_id: update_id, date, chat, from, text, ...(command ? { entities: command } : {}) } } as Update;
      }
      await bot.handleUpdate(update);
      return telegram.take();
    };
    const result = this.queue.then(run, run).finally(() => {
      this.idleTimer = setTimeout(() => void this.whenIdle(), this.idleMs);
      this.idleTimer.unref();
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Frees the sandbox unless a step is on its way (queued steps clear the timer first). */
  private whenIdle(): Promise<void> {
    const run = () => this.close();
    const closed = this.queue.then(run, run);
    this.queue = closed.catch(() => undefined);
    return closed;
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const ready = this.ready;
    this.ready = null;
    this.steps = 0;
    if (ready) await (await ready).sandbox.close().catch(() => undefined);
  }

  get open(): boolean {
    return this.ready !== null;
  }
}

const previewSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('reset'), language: languageSchema }),
  z.object({ action: z.literal('text'), language: languageSchema, text: z.string().min(1).max(4096) }),
  z.object({ action: z.literal('contact'), language: languageSchema }),
  z.object({ action: z.literal('callback'), language: languageSchema, data: z.string().min(1).max(64), messageId: z.number().int().positive() }),
]);
export type PreviewInput = z.output<typeof previewSchema>;

/** The process's one preview. */
export const botPreview = new BotPreview();

/** For shutdown and tests: frees the sandbox now. */
export function closeBotPreviews(): Promise<void> {
  return botPreview.close();
}

export function botPreviewRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>().post('/', need('bot.preview'), async (c) => {
    const input = parseBody(previewSchema, await readJson(c));
    const messages = await botPreview.step(deps, c.get('session').user.id, input);
    return c.json({ messages });
  });
}
