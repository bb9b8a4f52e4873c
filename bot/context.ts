/**
 * The bot's one Context type. Dependencies (db, logger, config, policy, i18n) are set when the
 * context is built (Bot's ContextConstructor), so every middleware, the first included, has them;
 * the i18n middleware adds `t` and `lang`; session and conversation flavours come from grammY.
 */
import type { Conversation, ConversationData, ConversationFlavor, VersionedState } from '@grammyjs/conversations';
import { Context, type Api, type SessionFlavor } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { i18n, TFunction } from 'i18next';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { Policy } from '../core/policy.ts';
import { loadSigningKey, type SigningKey } from '../core/signing.ts';
import type { Db } from '../db/client.ts';
import type { Language } from '../locales/index.ts';
import type { ApplicationDraft } from './conversations/apply.ts';

export type { Language };

export interface BotDeps {
  db: Db;
  logger: Logger;
  config: Config;
  policy: Policy;
  i18n: i18n;
  /** Signs referrals the parent confirms; loaded from config or the database when not given. */
  signingKey?: SigningKey;
  /** Downloads files the parent sends (getFile URLs); tests pass their fake. */
  fetch?: typeof fetch;
}

/** What the parent saw of an application last time, to say what changed since. */
export interface SeenEntry {
  /** When `position` was seen (what changed since is explained from here). */
  at: string;
  status: string;
  position: number | null;
  /** The queue's stamp and who was ahead then: an unchanged stamp means an unchanged place. */
  stamp?: string;
  ahead?: { extraordinary: number; firstPriority: number; general: number };
}

export interface SessionData {
  /** The language the parent chose; unset until they choose (Telegram's language is the guess). */
  language?: Language;
  seen?: Record<string, SeenEntry>;
  /** The answers of an application the parent stopped, kept for policy.applicationDraftKeepHours. */
  stoppedApplication?: { stoppedAt: string; draft: ApplicationDraft };
  /** State of the conversations plugin: in the same row, so one read per update serves both. */
  conversations?: VersionedState<ConversationData>;
}

const updateLoggers = new WeakMap<object, Logger>();

export class BaseContext extends Context {
  readonly db: Db;
  readonly config: Config;
  readonly policy: Policy;
  readonly i18n: i18n;
  readonly fetchFile: typeof fetch;
  readonly signingKey: () => Promise<SigningKey>;
  /** The bot's logger; `logger` adds the update's id. */
  readonly rootLogger: Logger;
  /** Set by the i18n middleware. */
  t!: TFunction;
  lang!: Language;

  constructor(update: Update, api: Api, me: UserFromGetMe, deps: BotDeps) {
    super(update, api, me);
    this.db = deps.db;
    this.config = deps.config;
    this.policy = deps.policy;
    this.i18n = deps.i18n;
    this.fetchFile = deps.fetch ?? fetch;
    const key = deps.signingKey;
    this.signingKey = key ? async () => key : () => loadSigningKey(deps.db, deps.config, deps.logger);
    this.rootLogger = deps.logger;
  }

  /** The logger with this update's id, made on first use: most updates log nothing. */
  get logger(): Logger {
    let logger = updateLoggers.get(this);
    if (!logger) {
      logger = this.rootLogger.child({ updateId: this.update.update_id });
      updateLoggers.set(this, logger);
    }
    return logger;
  }
}

export type BotContext = ConversationFlavor<BaseContext & SessionFlavor<SessionData>>;

/**
 * The context inside conversations: a plain Context plus the translation of the parent's
 * language, and every language's, for a change of language in the middle of a dialog.
 */
export type ConvContext = Context & { t: TFunction; lang: Language; translators: Record<Language, TFunction> };

export type BotConversation = Conversation<BotContext, ConvContext>;

/** The ContextConstructor that gives every context the bot's dependencies. */
export function contextConstructor(deps: BotDeps) {
  return class extends BaseContext {
    constructor(update: Update, api: Api, me: UserFromGetMe) {
      super(update, api, me, deps);
    }
  } as unknown as new (update: Update, api: Api, me: UserFromGetMe) => BotContext;
}
