/**
 * The only file that starts things: migrates, seeds an empty database, serves HTTP
 * (health, panel, API, bot webhook), runs the bot and the workers, and stops them all on
 * SIGINT/SIGTERM. RUN=http,bot,workers chooses the parts, so each can be scaled alone.
 */
import { existsSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createServer } from './admin/server/index.ts';
import { ConfigError, loadConfig } from './core/config.ts';
import { createJobWorker } from './core/jobs.ts';
import { createLogger } from './core/logger.ts';
import { loadPolicy } from './core/policy.ts';
import { referralJobs } from './core/referrals.ts';
import { openDatabase } from './db/client.ts';
import { isEmpty, seedDemo } from './db/seed.ts';

async function main(): Promise<void> {
  // A .env beside the project is read when present; the real environment wins.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
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
  const stops: (() => Promise<void>)[] = [];

  if (config.RUN.includes('http')) {
    const app = createServer({ database, config, logger, policy });
    const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
      logger.info({ port: info.port }, `HTTP server on http://localhost:${info.port} (health: /health)`);
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
        }),
    );
  }

  if (config.RUN.includes('workers')) {
    // Reminders and lapses of offers and referrals: rows in `jobs`, so they survive restarts.
    const worker = createJobWorker({ db: database.db, handlers: referralJobs(() => policy), logger });
    worker.start();
    stops.push(() => worker.stop());
    logger.info('job worker started');
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
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
