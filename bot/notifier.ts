/**
 * The outbox worker: delivers `notifications` rows (written by core with the change that causes
 * them) to the parent's chat in the parent's language, time-critical ones first, within
 * Telegram's limits, and records delivery or failure on the row. The exactly-once protocol and
 * the crash case are described in core/outbox.ts. Several workers may run at once: a row goes
 * to one of them.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Api, GrammyError, type ApiClientOptions, type Transformer } from 'grammy';
import type { i18n } from 'i18next';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import {
  claimNotifications,
  expireLeases,
  markFailed,
  markSending,
  markSent,
  renewLeases,
  retryLater,
  type Attempt,
  type OutboxItem,
  type OutboxScope,
} from '../core/outbox.ts';
import { ratingInvitations } from '../core/feedback.ts';
import { defaultPolicy, type Policy } from '../core/policy.ts';
import { markUnreachable, type UnreachableReason } from '../core/unreachable.ts';
import type { Queryable } from '../db/client.ts';
import { pruneProcessedUpdates } from './middlewares/dedupe.ts';
import { renderNotification } from './views/notification.ts';

export interface NotifierDeps {
  /** How long a parent Telegram refused has to confirm their phone once back (core/contact-checks.ts). */
  policy?: Pick<Policy, 'contactCheckWindowDays'>;
  db: Queryable;
  logger: Logger;
  i18n: i18n;
  /** A Bot API client with the throttler and auto-retry (createNotifierApi). */
  api: Api;
  /** How often an idle worker looks for due rows. */
  intervalMs?: number;
  /** Rows one pass claims; the running loop keeps up to this many in hand. */
  batchSize?: number;
  /** A claim not renewed for this long belongs to a dead worker and is taken back (NOTIFY_LEASE_SECONDS). */
  leaseMs?: number;
  maxAttempts?: number;
  clock?: () => Date;
  /** Only these applicants' rows (see OutboxScope). */
  scope?: OutboxScope;
}

export interface Notifier {
  start(): void;
  stop(): Promise<void>;
  /** One pass: takes back expired leases, claims due rows and delivers them; returns how many were claimed. */
  tick(): Promise<number>;
}

/**
 * A hook on a sendMessage payload, called by the innermost transformer when the request is
 * about to leave (after the throttler's wait): the row becomes 'sending' only then. A symbol
 * key is copied into grammY's payload with the other options and never serialised.
 */
const BEFORE_SEND = Symbol('beforeSend');

/** The request was not made: nothing reached Telegram. */
class NotSent extends Error {
  constructor(
    message: string,
    readonly leaseLost = false,
  ) {
    super(message);
    this.name = 'NotSent';
  }
}

const beforeSend: Transformer = async (prev, method, payload, signal) => {
  const hook = (payload as Record<symbol, unknown> | undefined)?.[BEFORE_SEND];
  if (typeof hook === 'function') await (hook as () => Promise<void>)();
  return prev(method, payload, signal);
};

/**
 * Telegram counts messages per second as they arrive. The throttler spaces requests evenly when
 * it lets them go, but after a stall of the event loop it lets the missed ones go at once, and
 * the beforeSend hook's database write delays some more than others: this last gate, right
 * before the network, lets at most `max` requests leave in any `windowMs`, so a catch-up never
 * exceeds the limit while the time lost in a stall is made up.
 */
function slidingWindow(max: number, windowMs: number): Transformer {
  /** Departure times given out, ascending. */
  const departures: number[] = [];
  return async (prev, method, payload, signal) => {
    if (method === 'sendMessage') {
      const now = performance.now();
      while (departures.length && departures[0]! <= now - windowMs) departures.shift();
      let at = Math.max(now, departures.at(-1) ?? 0);
      if (departures.length >= max) at = Math.max(at, departures[departures.length - max]! + windowMs);
      departures.push(at);
      if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    }
    return prev(method, payload, signal);
  };
}

/** A 429 asking for a longer wait than this is not waited out in place: the row is due again later. */
const WAIT_IN_PLACE_SECONDS = 10;

/**
 * Telegram allows about 30 messages a second per bot and one a second per chat: the throttler
 * spaces requests evenly below that (`NOTIFY_RATE_PER_SECOND`), auto-retry waits out a short
 * 429 that slips through. Interactive replies do not go through the throttler (one answer per
 * tap cannot exceed the per-chat limit); broadcasts do. The limit is the bot's: with several
 * notifier processes, divide the rate between them.
 */
export function createNotifierApi(
  config: Pick<Config, 'BOT_TOKEN' | 'TELEGRAM_API_ROOT'> & Partial<Pick<Config, 'NOTIFY_RATE_PER_SECOND'>>,
  client: ApiClientOptions = {},
): Api {
  if (!config.BOT_TOKEN) throw new Error('the notifier needs BOT_TOKEN');
  const api = new Api(config.BOT_TOKEN, {
    timeoutSeconds: 30,
    ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
    ...client,
  });
  const rate = config.NOTIFY_RATE_PER_SECOND ?? 28;
  // Innermost first: the gate right before the network, the hook when the throttler lets the
  // request go, auto-retry outermost. The gate allows one more than the rate, in a second and a
  // margin for the network's jitter.
  api.config.use(slidingWindow(Math.floor(rate) + 1, 1030));
  api.config.use(beforeSend);
  api.config.use(apiThrottler({ global: { minTime: 1000 / rate }, out: { maxConcurrent: 1, minTime: 1050 } }));
  // Only rate limits are retried here; a 5xx or a network error may have delivered the message,
  // so the outbox retries those itself and marks them as a possible repeat.
  api.config.use(
    autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: WAIT_IN_PLACE_SECONDS, rethrowInternalServerErrors: true, rethrowHttpErrors: true }),
  );
  return api;
}

/** Telegram's refusals that mean the chat cannot be written to at all (core/unreachable.ts). */
function unreachableReason(err: GrammyError): UnreachableReason | null {
  const d = err.description.toLowerCase();
  if (err.error_code === 403) return d.includes('blocked') ? 'blocked' : d.includes('deactivated') ? 'deactivated' : 'forbidden';
  if (err.error_code === 400 && d.includes('chat not found')) return 'chat_not_found';
  return null;
}

const MAINTENANCE_EVERY_MS = 60_000;
const KEEP_UPDATES_MS = 3 * 86_400_000;

export function createNotifier(deps: NotifierDeps): Notifier {
  const { db, logger, i18n, api } = deps;
  const intervalMs = deps.intervalMs ?? 1000;
  const batchSize = deps.batchSize ?? 50;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxAttempts = deps.maxAttempts ?? 5;
  const clock = deps.clock ?? (() => new Date());
  const scope = deps.scope ? { scope: deps.scope } : {};
  /** Rows this worker holds (claimed, not yet settled), for renewing their leases. */
  const holding = new Map<number, Attempt>();
  let pausedUntil = 0;
  let lastMaintenance = 0;
  let lastExpiry = 0;
  let lastRenewal = 0;
  let running = false;
  let stopping = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let wakeWhenRoom = false;

  /**
   * Writes the outcome of an attempt, trying again while the database is away (up to half a
   * lease): a message that went out is not sent twice because "sent" could not be written.
   */
  async function record(what: string, write: () => Promise<boolean>, log: Logger): Promise<void> {
    const until = Date.now() + leaseMs / 2;
    for (let wait = 200; ; wait = Math.min(wait * 2, 5000)) {
      try {
        if (!(await write())) log.warn(`notification ${what}: the row was taken over after this worker's lease expired`);
        return;
      } catch (err) {
        if (Date.now() + wait > until || stopping) {
          log.error({ err }, `notification ${what} could not be recorded: the lease will expire and the row be tried again`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async function deliver(item: OutboxItem, claimedAt: Date, askRating: boolean): Promise<void> {
    const log = logger.child({ notificationId: item.id, kind: item.kind, attempt: item.attempts });
    const chatId = item.chatId;
    if (chatId === null) {
      await record('failure', () => markFailed(db, item, 'no Telegram account is linked to this applicant', null), log);
      log.info('notification not deliverable: no Telegram chat');
      return;
    }
    if (item.unreachable) {
      // Withheld, not tried: Telegram refused this chat before and the parent has not written since.
      await record('failure', () => markFailed(db, item, 'unreachable: the chat refused an earlier message', chatId), log);
      log.info('notification withheld: the chat is marked unreachable');
      return;
    }
    const { text, keyboard } = renderNotification(i18n, item, { askRating });
    let requested = false;
    const hook = async () => {
      if (requested) return;
      if (stopping) throw new NotSent('the worker is stopping');
      let ours: boolean;
      try {
        ours = await markSending(db, item, chatId);
      } catch (err) {
        throw new NotSent(`could not record the attempt: ${String((err as Error).message ?? err)}`);
      }
      if (!ours) throw new NotSent('lease lost before sending', true);
      requested = true;
    };
    try {
      await api.sendMessage(chatId, text, { reply_markup: keyboard, [BEFORE_SEND]: hook } as { reply_markup: typeof keyboard });
    } catch (err) {
      await failed(item, err, requested, claimedAt, log);
      return;
    }
    await record('delivery', () => markSent(db, item, clock()), log);
    log.info({ chatId }, 'notification sent');
  }

  async function failed(item: OutboxItem, err: unknown, requested: boolean, claimedAt: Date, log: Logger): Promise<void> {
    const now = clock();
    if (err instanceof NotSent) {
      log.warn({ err: err.message }, 'notification not sent');
      if (!err.leaseLost) await record('return', () => retryLater(db, item, { error: err.message, maybeDelivered: false, delayMs: 0, now }), log);
      return;
    }
    if (err instanceof GrammyError) {
      const message = `telegram ${err.error_code}: ${err.description}`;
      const reason = unreachableReason(err);
      if (reason) {
        const input = { chatId: item.chatId!, applicationId: item.applicationId, reason, error: message, claimedAt, policy: deps.policy ?? defaultPolicy };
        await record('failure', () => markUnreachable(db, item, input), log);
        log.warn({ err: message, reason }, 'Telegram chat unreachable: marked, nothing more is sent there until the parent writes');
        return;
      }
      if (err.error_code === 429) {
        // Longer than auto-retry waits in place: every request would hear the same, so this worker
        // pauses and the row is due when Telegram allows.
        const delayMs = Math.max(1, err.parameters.retry_after ?? 1) * 1000;
        pausedUntil = Math.max(pausedUntil, now.getTime() + delayMs);
        await record('retry', () => retryLater(db, item, { error: message, maybeDelivered: false, delayMs, now }), log);
        log.warn({ retryAfterMs: delayMs }, 'Telegram asked to slow down: paused');
        return;
      }
      if (err.error_code < 500) {
        await record('failure', () => markFailed(db, item, message), log);
        log.warn({ err: message }, 'notification failed');
        return;
      }
    }
    // A Telegram 5xx or a network error after the request left: the message may have gone out.
    const message = err instanceof GrammyError ? `telegram ${err.error_code}: ${err.description}` : String((err as Error).message ?? err);
    if (item.attempts >= maxAttempts) {
      await record('failure', () => markFailed(db, item, message), log);
      log.warn({ err: message }, 'notification failed: attempts ran out');
      return;
    }
    const delayMs = 30_000 * 2 ** (item.attempts - 1);
    await record('retry', () => retryLater(db, item, { error: message, maybeDelivered: requested, delayMs, now }), log);
    log.warn({ err: message, maybeDelivered: requested }, 'notification will be retried');
  }

  async function expire(now: Date): Promise<void> {
    lastExpiry = now.getTime();
    const taken = await expireLeases(db, new Date(now.getTime() - leaseMs), deps.scope);
    if (taken.claimed || taken.sending) {
      logger.warn(taken, 'notifications whose worker stopped are due again (those already sending marked as a possible repeat)');
    }
  }

  /** Claims up to `limit` rows and starts delivering them; resolves when they are all started. */
  async function claimAndStart(limit: number, now: Date): Promise<Promise<void>[]> {
    const items = await claimNotifications(db, { limit, now, ...scope });
    // Asked before any is delivered: a failure here leaves the claims to expire and be tried again.
    const invited = await ratingInvitations(db, items.filter((i) => i.applicationId !== null).map((i) => i.id));
    return items.map((item) => {
      holding.set(item.id, item);
      return deliver(item, now, invited.has(item.id))
        .catch((err: unknown) => logger.error({ err, notificationId: item.id }, 'notification delivery failed'))
        .finally(() => {
          holding.delete(item.id);
          if (wakeWhenRoom && holding.size <= batchSize / 2) wake?.();
        });
    });
  }

  async function tick(): Promise<number> {
    const now = clock();
    await expire(now);
    if (now.getTime() < pausedUntil) return 0;
    const started = await claimAndStart(batchSize, now);
    await Promise.all(started);
    return started.length;
  }

  /** One turn of the running loop; true when it filled up and should wait for room, not for time. */
  async function turn(): Promise<boolean> {
    const now = clock();
    const t = now.getTime();
    if (t - lastMaintenance >= MAINTENANCE_EVERY_MS) {
      lastMaintenance = t;
      await pruneProcessedUpdates(db, new Date(t - KEEP_UPDATES_MS));
    }
    if (t - lastRenewal >= leaseMs / 3) {
      lastRenewal = t;
      await renewLeases(db, [...holding.values()], now);
    }
    if (t - lastExpiry >= Math.min(leaseMs / 4, 5000)) await expire(now);
    const room = batchSize - holding.size;
    if (t < pausedUntil || room < batchSize / 2) return room < batchSize / 2;
    const started = await claimAndStart(room, now);
    return started.length === room;
  }

  async function run(): Promise<void> {
    while (running) {
      let full = false;
      try {
        full = await turn();
      } catch (err) {
        logger.error({ err }, 'notifier pass failed');
      }
      if (!running) break;
      wakeWhenRoom = full;
      const pause = pausedUntil - clock().getTime();
      // Awake at least a few times a lease, to renew the claims in hand.
      const waitMs = Math.min(pause > 0 ? pause : intervalMs, leaseMs / 3);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
      wakeWhenRoom = false;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      stopping = false;
      loop = run();
      logger.info('notifier started');
    },
    async stop() {
      running = false;
      // Requests still waiting in the throttler are not made: their rows go back to pending.
      stopping = true;
      wake?.();
      await loop;
      loop = null;
      while (holding.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    tick,
  };
}
