/**
 * createBot(deps) builds the parent bot and starts nothing: bot/run.ts (through main.ts) polls
 * or serves the webhook; tests feed updates with bot.handleUpdate.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, createConversation } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Bot, Composer, session, type ApiClientOptions, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { LANGUAGES } from '../locales/index.ts';
import { contextConstructor, type BotContext, type BotDeps, type ConvContext } from './context.ts';
import { createApplyConversation } from './conversations/apply.ts';
import { createFeedbackConversation } from './conversations/feedback.ts';
import type { Labels } from './conversations/kit.ts';
import { createManageConversations } from './conversations/manage.ts';
import { applyFeature } from './features/apply.ts';
import { feedbackFeature } from './features/feedback.ts';
import { helpFeature } from './features/help.ts';
import { languageFeature } from './features/language.ts';
import { contactCheckFeature } from './features/contact-check.ts';
import { myApplicationsFeature } from './features/my-applications.ts';
import { startFeature } from './features/start.ts';
import { unhandledFeature } from './features/unhandled.ts';
import { menuLabels } from './keyboards/main-menu.ts';
import { dedupeUpdates } from './middlewares/dedupe.ts';
import { onBotError } from './middlewares/errors.ts';
import { conversationI18n, i18nMiddleware } from './middlewares/i18n.ts';
import { clearUnreachableMark } from './middlewares/reachable.ts';
import { DrizzleSessionStorage } from './middlewares/session.ts';

export interface CreateBotOptions {
  /** Known bot info (tests, benchmarks): no getMe call. */
  botInfo?: UserFromGetMe;
  /** Extra Bot API client options, e.g. a fake `fetch`. */
  client?: ApiClientOptions;
}

/**
 * Bump when a conversation changes so that a saved half-finished one no longer replays: the
 * parent then starts that conversation again instead of landing on a wrong step.
 */
export const CONVERSATION_VERSION = 1;

const sessionKey = (ctx: Context) => ctx.chat?.id.toString();

export function createBot(deps: BotDeps, options: CreateBotOptions = {}): Bot<BotContext> {
  const token = deps.config.BOT_TOKEN;
  if (!token) throw new Error('createBot needs config.BOT_TOKEN');
  const bot = new Bot<BotContext>(token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    ContextConstructor: contextConstructor(deps),
    client: {
      ...(deps.config.TELEGRAM_API_ROOT ? { apiRoot: deps.config.TELEGRAM_API_ROOT } : {}),
      ...options.client,
    },
  });
  // Rate limits and network blips on replies outside conversations (inside, kit.ts retries).
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));

  const labels = menuLabels(deps.i18n);
  const features = new Composer<BotContext>(
    startFeature(),
    languageFeature(labels),
    applyFeature(labels),
    myApplicationsFeature(labels),
    helpFeature(labels, deps.policy),
    feedbackFeature(),
    contactCheckFeature(),
  );
  const navLabels = (key: string) => new Set(LANGUAGES.map((l) => deps.i18n.getFixedT(l)(key)));
  const conversationLabels: Labels = {
    menu: new Set(Object.values(labels).flat()),
    back: navLabels('bot.nav.back'),
    cancel: navLabels('bot.nav.cancel'),
    // What no feature answers gets no "not understood" here: the question that follows is the answer.
    aside: async (ctx) => {
      await features.middleware()(ctx, () => Promise.resolve());
    },
  };
  const manage = createManageConversations({ policy: deps.policy, labels: conversationLabels });

  const storage = new DrizzleSessionStorage(deps.db);
  // One update at a time per chat within an instance: a session is read and written in order.
  bot.use(sequentialize(sessionKey));
  bot.use(dedupeUpdates(storage, sessionKey));
  // The bot talks to parents one to one; groups and channels are ignored.
  bot.use((ctx, next) => (ctx.chat && ctx.chat.type !== 'private' ? undefined : next()));

  const guarded = bot.errorBoundary(onBotError);
  guarded.use(clearUnreachableMark(storage, sessionKey));
  guarded.use(session({ initial: () => ({}), storage, getSessionKey: sessionKey }));
  guarded.use(i18nMiddleware(deps.i18n));
  guarded.use(
    conversations<BotContext, ConvContext>({
      storage: {
        type: 'context',
        version: CONVERSATION_VERSION,
        adapter: {
          read: (ctx) => ctx.session.conversations,
          write: (ctx, state) => {
            ctx.session.conversations = state;
          },
          delete: (ctx) => {
            delete ctx.session.conversations;
          },
        },
      },
      plugins: conversationI18n(deps.i18n),
    }),
  );
  guarded.use(
    createConversation(createApplyConversation({ policy: deps.policy, labels: conversationLabels }), 'apply'),
    createConversation(createFeedbackConversation({ policy: deps.policy, labels: conversationLabels }), 'feedback'),
    createConversation(manage.editKindergartens, 'editKindergartens'),
    createConversation(manage.editPhone, 'editPhone'),
    createConversation(manage.uploadDocument, 'uploadDocument'),
  );
  guarded.use(features, unhandledFeature());
  // Errors outside the boundary (the dedupe insert failing: the database is down) in polling mode.
  bot.catch(onBotError);
  return bot;
}
