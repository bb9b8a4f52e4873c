/**
 * The only file that starts things: migrates, seeds an empty database, serves HTTP
 * (health, panel, API, bot webhook), runs the bot and the workers, and stops them all on
 * SIGINT/SIGTERM. RUN=http,bot,workers chooses the parts, so each can be scaled alone.
 */
import { priorityClaimJobs } from './core/priority-claims.ts';
import { existsSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createServer } from './admin/server/index.ts';
import { buildPanel, panelIsStale } from './admin/web/build.ts';
import { startBot, startNotifier } from './bot/run.ts';
import { certificateJobs } from './core/certificates.ts';
import { loadConfigOrExit } from './core/config.ts';
import { contactCheckJobs, scheduleYearlyContactCheck } from './core/contact-checks.ts';
import { loadDayTransfers } from './core/day-transfers.ts';
import { createJobWorker } from './core/jobs.ts';
import { createLogger } from './core/logger.ts';
import { openQueueJobs, scheduleOpenQueueExport } from './core/open-queue.ts';
import { loadPolicy } from './core/policy.ts';
import { placementJobs } from './core/placement.ts';
import { referralJobs } from './core/referrals.ts';
import { loadSigningKey } from './core/signing.ts';
import { openDatabase } from './db/client.ts';
import { isEmpty, seedDemo } from './db/seed.ts';

async function main(): Promise<void> {
  // A .env beside the project is read when present; the real environment wins.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  // npm ci builds the panel; a checkout changed since is built again before serving it.
  const panelBuild = config.RUN.includes('http') && panelIsStale() ? buildPanel() : null;
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    timeoutMs: config.DATABASE_TIMEOUT_MS,
  });
  logger.info({ database: database.kind, dataDir: database.kind === 'pglite' ? config.DATA_DIR : undefined }, 'database opened');
  await database.migrate();
  logger.info('migrations applied');
  if (config.SEED_DEMO && (await isEmpty(database.db))) {
    logger.info('empty database: loading demo data');
    const seeded = await seedDemo(database, { logger });
    // Printed once, never stored in clear: the admin must change it at first login.
    console.log(`\n  First admin account: login "${seeded.admin.login}", one-time password "${seeded.admin.password}"\n`);
  }
  const policy = await loadPolicy(database.db);
  // Decree transfers of working days: an edit reloads them in its own process, the others here.
  await loadDayTransfers(database.db);
  const transfersTimer = setInterval(() => {
    loadDayTransfers(database.db).catch((err: unknown) => logger.warn({ err }, 'day transfers not reloaded'));
  }, 60_000);
  transfersTimer.unref();
  const signingKey = await loadSigningKey(database.db, config, logger);
  const stops: (() => Promise<void>)[] = [];

  // The bot before the HTTP server: in webhook mode the server mounts the bot's route.
  const bot = config.RUN.includes('bot') ? await startBot({ database, config, logger, policy }) : null;
  if (bot) stops.push(() => bot.stop());
  if (bot?.webhook && !config.RUN.includes('http')) logger.warn('BOT_MODE=webhook but RUN has no http: nothing serves the webhook');

  if (config.RUN.includes('http')) {
    if (panelBuild) {
      await panelBuild;
      logger.info('panel built');
    }
    const telegramWebhook = bot?.webhook ? { path: bot.webhookPath, app: bot.webhook } : null;
    const app = createServer({ database, config, logger, policy, signingKey, telegramWebhook });
    const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
      logger.info({ port: info.port }, `HTTP server on http://localhost:${info.port} (health: /health)`);
      console.log(`\n  Staff panel: http://localhost:${info.port}/admin/\n`);
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
        }),
    );
  }

  if (config.RUN.includes('workers')) {
    // Reminders and lapses of offers and referrals, freed seats passed on: rows in `jobs`, so they survive restarts.
    // The open queue's daily export too; today's runs at start-up (again, harmlessly, after a restart).
    const handlers = {
      ...referralJobs(() => policy),
      ...placementJobs(() => policy),
      ...priorityClaimJobs(),
      ...certificateJobs(() => policy),
      ...openQueueJobs(() => policy),
      ...contactCheckJobs(() => policy),
    };
    await scheduleOpenQueueExport(database.db, new Date());
    await scheduleYearlyContactCheck(database.db, new Date(), policy);
    const worker = createJobWorker({ db: database.db, handlers, logger });
    worker.start();
    stops.push(() => worker.stop());
    logger.info('job worker started');
    // The notification outbox, delivered to parents' Telegram chats (needs BOT_TOKEN).
    const notifier = await startNotifier({ database, config, logger, policy });
    if (notifier) stops.push(() => notifier.stop());
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(transfersTimer);
    logger.info({ signal }, 'shutting down');
    for (const stop of stops.reverse()) await stop().catch((err) => logger.error({ err }, 'stop failed'));
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
