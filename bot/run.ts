/**
 * Starting the bot and the notifier from main.ts. Without BOT_TOKEN nothing starts and the log
 * says how to turn the bot on; the rest of the service runs regardless.
 */
import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Hono } from 'hono';
import type { i18n } from 'i18next';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { Policy } from '../core/policy.ts';
import type { Database } from '../db/client.ts';
import { createI18n } from '../locales/index.ts';
import { registerCommands } from './commands.ts';
import { createBot } from './index.ts';
import { createNotifier, createNotifierApi } from './notifier.ts';
import { WEBHOOK_PATH, webhookRoute } from './webhook.ts';

export interface RunDeps {
  database: Database;
  config: Config;
  logger: Logger;
  policy: Policy;
  i18n?: i18n;
}

export interface RunningBot {
  /** Webhook mode: the route for the HTTP server to mount at webhookPath. */
  webhook: Hono | null;
  webhookPath: string;
  stop(): Promise<void>;
}

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

function explainDisabled(logger: Logger): void {
  logger.info(
    'Telegram bot is off: set BOT_TOKEN (from @BotFather) to turn it on. Long polling by default; ' +
      `BOT_MODE=webhook with PUBLIC_URL and BOT_WEBHOOK_SECRET serves ${WEBHOOK_PATH} on this server instead; ` +
      'TELEGRAM_API_ROOT points it at a local Bot API server or an emulator.',
  );
}

export async function startBot(deps: RunDeps): Promise<RunningBot | null> {
  const { config, logger } = deps;
  if (!config.BOT_TOKEN) {
    explainDisabled(logger);
    return null;
  }
  if (config.BOT_MODE === 'webhook' && (!config.PUBLIC_URL || !config.BOT_WEBHOOK_SECRET)) {
    logger.error('BOT_MODE=webhook needs PUBLIC_URL and BOT_WEBHOOK_SECRET: the bot is not started');
    return null;
  }
  const i18n = deps.i18n ?? (await createI18n());
  const bot = createBot({ db: deps.database.db, logger: logger.child({ part: 'bot' }), config, policy: deps.policy, i18n });
  try {
    await bot.init();
  } catch (err) {
    logger.error({ err }, 'Telegram bot could not start (token or network): the rest of the service keeps running');
    return null;
  }
  await registerCommands(bot.api, i18n).catch((err: unknown) => logger.warn({ err }, 'setMyCommands failed'));
  logger.info({ username: bot.botInfo.username, mode: config.BOT_MODE }, 'Telegram bot started');

  if (config.BOT_MODE === 'webhook') {
    const url = new URL(WEBHOOK_PATH, config.PUBLIC_URL).href;
    await bot.api.setWebhook(url, { secret_token: config.BOT_WEBHOOK_SECRET, allowed_updates: [...ALLOWED_UPDATES] });
    logger.info({ url }, 'webhook set');
    return { webhook: webhookRoute(bot, config.BOT_WEBHOOK_SECRET!), webhookPath: WEBHOOK_PATH, stop: async () => {} };
  }
  await bot.api.deleteWebhook().catch((err: unknown) => logger.warn({ err }, 'deleteWebhook failed'));
  const runner: RunnerHandle = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
  return {
    webhook: null,
    webhookPath: WEBHOOK_PATH,
    stop: async () => {
      if (runner.isRunning()) await runner.stop();
    },
  };
}

/** The outbox worker; null without BOT_TOKEN (rows wait in the outbox until a bot runs). */
export async function startNotifier(deps: RunDeps): Promise<{ stop(): Promise<void> } | null> {
  if (!deps.config.BOT_TOKEN) return null;
  const notifier = createNotifier({
    db: deps.database.db,
    logger: deps.logger.child({ part: 'notifier' }),
    i18n: deps.i18n ?? (await createI18n()),
    api: createNotifierApi(deps.config),
    leaseMs: deps.config.NOTIFY_LEASE_SECONDS * 1000,
    policy: deps.policy,
  });
  notifier.start();
  return notifier;
}
