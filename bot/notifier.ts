/**
 * The outbox worker: delivers `notifications` rows (written by core with the change that causes
 * them) to the parent's chat in the parent's language, within Telegram's limits, and records
 * delivery or failure on the row. The exactly-once protocol and the crash case are described in
 * core/outbox.ts. Several workers may run at once: a row goes to one of them.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Api, GrammyError, type ApiClientOptions } from 'grammy';
import type { i18n } from 'i18next';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import { claimNotifications, markFailed, markSent, requeueStale, retryLater, type OutboxItem, type OutboxScope } from '../core/outbox.ts';
import type { Queryable } from '../db/client.ts';
import { pruneProcessedUpdates } from './middlewares/dedupe.ts';
import { renderNotification } from './views/notification.ts';

export interface NotifierDeps {
  db: Queryable;
  logger: Logger;
  i18n: i18n;
  /** A Bot API client with the throttler and auto-retry (createNotifierApi). */
  api: Api;
  intervalMs?: number;
  batchSize?: number;
  /** A row left in 'sending' this long is taken to belong to a dead worker. */
  staleAfterMs?: number;
  maxAttempts?: number;
  clock?: () => Date;
  /** Only these applicants' rows (see OutboxScope). */
  scope?: OutboxScope;
}

export interface Notifier {
  start(): void;
  stop(): Promise<void>;
  /** One pass: claims due rows and delivers them; returns how many were claimed. */
  tick(): Promise<number>;
}

/**
 * Telegram allows about 30 messages a second overall and one a second per chat: the throttler
 * keeps to that, auto-retry waits out a 429 that slips through. Interactive replies do not go
 * through the throttler (one answer per tap cannot exceed the per-chat limit); broadcasts do.
 */
export function createNotifierApi(config: Pick<Config, 'BOT_TOKEN' | 'TELEGRAM_API_ROOT'>, client: ApiClientOptions = {}): Api {
  if (!config.BOT_TOKEN) throw new Error('the notifier needs BOT_TOKEN');
  const api = new Api(config.BOT_TOKEN, {
    timeoutSeconds: 30,
    ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
    ...client,
  });
  api.config.use(apiThrottler({ global: { reservoir: 25, reservoirRefreshAmount: 25, reservoirRefreshInterval: 1000 } }));
  // Only rate limits are retried here; a 5xx or a network error may have delivered the message,
  // so the outbox retries those itself and marks them as a possible repeat.
  api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowInternalServerErrors: true, rethrowHttpErrors: true }));
  return api;
}

const MAINTENANCE_EVERY_MS = 60_000;
const KEEP_UPDATES_MS = 3 * 86_400_000;

export function createNotifier(deps: NotifierDeps): Notifier {
  const { db, logger, i18n, api } = deps;
  const intervalMs = deps.intervalMs ?? 1000;
  const batchSize = deps.batchSize ?? 50;
  const staleAfterMs = deps.staleAfterMs ?? 10 * 60_000;
  const maxAttempts = deps.maxAttempts ?? 5;
  const clock = deps.clock ?? (() => new Date());
  let lastMaintenance = 0;
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  async function deliver(item: OutboxItem): Promise<void> {
    const log = logger.child({ notificationId: item.id, kind: item.kind, attempt: item.attempts });
    if (item.chatId === null) {
      await markFailed(db, item.id, 'no Telegram account is linked to this applicant');
      log.info('notification not deliverable: no Telegram chat');
      return;
    }
    const { text, keyboard } = renderNotification(i18n, item);
    try {
      await api.sendMessage(item.chatId, text, { reply_markup: keyboard });
    } catch (err) {
      const telegram = err instanceof GrammyError;
      const permanent = telegram && err.error_code >= 400 && err.error_code < 500 && err.error_code !== 429;
      const message = telegram ? `telegram ${err.error_code}: ${err.description}` : String((err as Error).message ?? err);
      if (permanent || item.attempts >= maxAttempts) {
        await markFailed(db, item.id, message);
        log.warn({ err: message }, 'notification failed');
      } else {
        // A network error or a Telegram 5xx: the message may have gone out.
        const uncertain = !telegram || err.error_code >= 500;
        await retryLater(db, item.id, { error: message, uncertain, delayMs: 30_000 * 2 ** (item.attempts - 1), now: clock() });
        log.warn({ err: message, uncertain }, 'notification will be retried');
      }
      return;
    }
    await markSent(db, item.id, clock());
    log.info({ chatId: item.chatId }, 'notification sent');
  }

  async function tick(): Promise<number> {
    const now = clock();
    if (now.getTime() - lastMaintenance >= MAINTENANCE_EVERY_MS) {
      lastMaintenance = now.getTime();
      const stale = await requeueStale(db, new Date(now.getTime() - staleAfterMs), deps.scope);
      if (stale) logger.warn({ rows: stale }, 'notifications left in sending by a stopped worker: will be sent again, marked as a possible repeat');
      await pruneProcessedUpdates(db, new Date(now.getTime() - KEEP_UPDATES_MS));
    }
    const items = await claimNotifications(db, { limit: batchSize, now, ...(deps.scope ? { scope: deps.scope } : {}) });
    await Promise.all(items.map((item) => deliver(item)));
    return items.length;
  }

  async function run(): Promise<void> {
    while (running) {
      let claimed = 0;
      try {
        claimed = await tick();
      } catch (err) {
        logger.error({ err }, 'notifier pass failed');
      }
      if (claimed < batchSize && running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, intervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
      logger.info('notifier started');
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = null;
    },
    tick,
  };
}
