/**
 * The whole service (main.ts in a child process: HTTP, job worker, notifier) on a database of
 * its own on the real server, while that database's connections are terminated — during round
 * commits, intake bursts, notification sending and while idle — and while the database refuses
 * connections altogether. The process must stay up, /health must come back by itself, every
 * acknowledged intake must exist, and while the database is away requests must hear 503 with
 * Retry-After in bounded time (the panel and the bot turn it into "temporarily unavailable").
 * Only this file's own database is ever terminated or closed: other runs share the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { inArray } from 'drizzle-orm';
import type { BotError } from 'grammy';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { applications } from '../../db/schema/index.ts';
import type { BotContext } from '../../bot/context.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy, setPolicy, type Policy } from '../../core/policy.ts';
import { SESSION_CACHE_MS } from '../../core/staff-sessions.ts';
import { createStaff } from '../support/admin.ts';
import { makeBot } from '../support/bot.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { BOT_TOKEN, FakeTelegram } from '../support/fake-telegram.ts';

const TIMEOUT_MS = 2000;
/** What "within the budget" allows on top of it: a busy 2-core machine, HTTP and the event loop. */
const SLACK_MS = 1000;
// No August freeze whatever the date: the round commits must do real work.
const noFreeze: Policy['freeze'] = { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } };
const policy: Policy = { ...defaultPolicy, freeze: noFreeze };
const parent = { type: 'parent', id: null } as const;
const year = new Date().getUTCFullYear() - 3;

const runUrl = new URL(inject('databaseUrl'));
const name = `${runUrl.pathname.slice(1)}_loss`.slice(0, 63);
const ownUrl = Object.assign(new URL(runUrl.href), { pathname: `/${name}` }).href;

/** A connection to the run's database, never to ours: it terminates and closes ours. */
let admin: postgres.Sql;
let database: Database;
let places: Places;
let child: ChildProcess;
let exited: { code: number | null; signal: string | null } | null = null;
let output = '';
let base = '';
let cookie = '';
let csrf = '';
let telegram: ServerType;
const tg = new FakeTelegram();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function terminateOwnBackends(): Promise<number> {
  const rows = await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
  return rows.length;
}

/** Waits until one of our database's sessions is inside a transaction (true) or `ms` passed. */
async function transactionInFlight(ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const [row] = await admin`select count(*)::int as n from pg_stat_activity where datname = ${name} and xact_start is not null and pid <> pg_backend_pid()`;
    if (row!.n > 0) return true;
    await sleep(2);
  }
  return false;
}

async function call(method: string, path: string, body?: unknown) {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { cookie, 'x-csrf-token': csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the assertions show the text
  }
  return { status: res.status, json, text, headers: res.headers, ms: performance.now() - started };
}

/** /health is 200 again within `ms`, and the process is still running. */
async function expectHealthyWithin(ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  let last = 0;
  while (performance.now() < deadline && !exited) {
    last = (await fetch(`${base}/health`).catch(() => null))?.status ?? 0;
    if (last === 200) return;
    await sleep(100);
  }
  expect(exited, `the server died after ${what}:\n${output.slice(-3000)}`).toBeNull();
  expect(last, `/health after ${what}`).toBe(200);
}

/** Three of the district's kindergartens, a different three each time. */
const ranked = () => {
  const at = randomInt(0, places.kindergartenIds.length);
  return [0, 1, 2].map((k) => places.kindergartenIds[(at + k) % places.kindergartenIds.length]!);
};

const intakeBody = () => {
  const input = applicationInput(places, { childYear: year, language: 'kk', kindergartenIds: ranked() });
  const { consentAt: _c, telegramUserId: _t, ...applicant } = input.applicant;
  return { ...input, applicant, channel: 'office', consent: true };
};

beforeAll(async () => {
  admin = postgres(runUrl.href, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  database = await openDatabase({ url: ownUrl, poolSize: 4, timeoutMs: TIMEOUT_MS });
  await database.migrate();
  await setPolicy(database.db, 'freeze', noFreeze, null);
  places = await createPlaces(database.db, { kindergartens: 8 });
  // A long queue for the rounds: each commit would offer 8 kindergartens × 5 seats.
  for (let i = 0; i < 200; i++) {
    await submitApplication(database.db, applicationInput(places, { childYear: year, language: 'kk', kindergartenIds: ranked() }), parent, policy);
  }
  const staff = await createStaff(database, ['admin']);

  // The notifier's Telegram: slow enough that sending is under way when connections drop.
  telegram = serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: async (req) => {
      await sleep(20);
      return tg.fetch(req.url, { method: req.method, headers: req.headers, body: await req.text() });
    },
  });
  await new Promise((resolve) => telegram.once('listening', resolve));
  const telegramPort = (telegram.address() as AddressInfo).port;

  child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: ownUrl,
      DATABASE_POOL_SIZE: '6',
      DATABASE_TIMEOUT_MS: String(TIMEOUT_MS),
      RUN: 'http,workers',
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      BOT_TOKEN,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${telegramPort}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"port":(\d+)[^\n]*HTTP server on/.exec(output);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', () => reject(new Error(`the server did not start:\n${output}`)));
  });
  base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: staff.login, password: staff.password }),
  });
  expect(login.status, await login.clone().text()).toBe(200);
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
}, 120_000);

afterAll(async () => {
  if (child && !exited) {
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([gone, sleep(10_000)]);
    if (!exited) child.kill('SIGKILL');
  }
  await new Promise((resolve) => (telegram ? telegram.close(resolve) : resolve(null)));
  await database?.close();
  await admin?.unsafe(`alter database ${name} allow_connections true`).catch(() => {});
  await admin?.unsafe(`drop database if exists ${name} with (force)`);
  await admin?.end();
});

describe('terminated connections', () => {
  it('never take the process down: during round commits, intake bursts, notifications and idle', async () => {
    let terminations = 0;
    let caughtInTransaction = 0;
    const statuses: number[] = [];
    const acknowledged: number[] = [];

    // Round commits: preview, then terminate while the commit's transaction runs.
    for (let i = 0; i < 8; i++) {
      // Right after a termination a request may still meet a connection that is going away:
      // it is told 503 with Retry-After, and a client that retries gets its answer.
      let preview = await call('POST', '/api/rounds', { districtId: places.districtId });
      for (let retry = 0; retry < 3 && preview.status === 503; retry++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        preview = await call('POST', '/api/rounds', { districtId: places.districtId });
      }
      expect(preview.status, preview.text).toBe(201);
      const commit = call('POST', `/api/rounds/${preview.json.id as number}/commit`);
      if (await transactionInFlight(3000)) caughtInTransaction++;
      await terminateOwnBackends();
      terminations++;
      statuses.push((await commit).status);
      await expectHealthyWithin(5000, `a termination during commit ${i + 1}`);
    }

    // Intake bursts: 12 parents' applications at once, connections terminated in the middle.
    for (let i = 0; i < 6; i++) {
      const burst = Array.from({ length: 12 }, () => call('POST', '/api/applications', intakeBody()));
      if (await transactionInFlight(3000)) caughtInTransaction++;
      await terminateOwnBackends();
      terminations++;
      for (const res of await Promise.all(burst)) {
        statuses.push(res.status);
        if (res.status === 200 || res.status === 201) acknowledged.push(res.json.id as number);
      }
      await expectHealthyWithin(5000, `a termination during intake burst ${i + 1}`);
    }

    // Notifications: sixty parents apply through the bot, and the notifier tells each of them.
    const sends = () => tg.calls.filter((c) => c.method === 'sendMessage').length;
    const sentBefore = sends();
    for (let i = 0; i < 60; i++) await submitApplication(database.db, applicationInput(places, { childYear: year, kindergartenIds: ranked() }), parent, policy);
    const deadline = performance.now() + 5000;
    while (sends() === sentBefore && performance.now() < deadline) await sleep(10);
    expect(sends(), 'the notifier is sending').toBeGreaterThan(sentBefore);
    for (let i = 0; i < 4; i++) {
      await terminateOwnBackends();
      terminations++;
      await sleep(150);
    }
    await expectHealthyWithin(5000, 'terminations while the notifier sends');

    // Idle: nothing but the workers' polling.
    for (let i = 0; i < 4; i++) {
      await sleep(300);
      await terminateOwnBackends();
      terminations++;
      await expectHealthyWithin(5000, `an idle termination ${i + 1}`);
    }

    expect(terminations).toBeGreaterThanOrEqual(20);
    // Most terminations must really have hit a transaction, or this proves little.
    expect(caughtInTransaction, 'terminations that hit a transaction').toBeGreaterThanOrEqual(10);
    // A dropped connection is "unavailable, try again", never an unexplained 500.
    expect(statuses.filter((s) => ![200, 201, 503].includes(s)), statuses.join(',')).toEqual([]);
    // Nothing acknowledged is lost.
    expect(acknowledged.length).toBeGreaterThan(0);
    const found = await database.db.select({ id: applications.id }).from(applications).where(inArray(applications.id, acknowledged));
    expect(found.map((r) => r.id).sort((a, b) => a - b)).toEqual([...acknowledged].sort((a, b) => a - b));
    expect(exited).toBeNull();
  }, 90_000);
});

describe('an outage of the database', () => {
  it('is answered with 503 and Retry-After in bounded time, in the panel and the bot, and heals by itself', async () => {
    const { bot, tg: botTelegram, t } = await makeBot(database);
    const parentId = randomInt(1, 2 ** 40);
    await admin.unsafe(`alter database ${name} allow_connections false`);
    try {
      await terminateOwnBackends();
      // A session looked up in the last SESSION_CACHE_MS is still known without the database.
      await new Promise((resolve) => setTimeout(resolve, SESSION_CACHE_MS + 100));
      for (const [method, path, body] of [
        ['GET', '/api/applications?filter={}'],
        ['POST', '/api/applications', intakeBody()],
        ['GET', '/api/auth/me'],
      ] as const) {
        const res = await call(method, path, body);
        expect(res.status, `${method} ${path}: ${res.text}`).toBe(503);
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(res.json).toEqual({ error: 'unavailable', message: 'errors.unavailable' });
        expect(res.ms, `${method} ${path} answered in time`).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      }
      const started = performance.now();
      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(503);
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + SLACK_MS);

      // The bot: the parent hears "temporarily unavailable" rather than silence or "something went wrong".
      const sent = botTelegram.calls.length;
      const botStarted = performance.now();
      // As the runner does in polling mode: an error outside the bot's error boundary goes to bot.catch.
      await bot.handleUpdate({
        update_id: randomInt(1, 2 ** 30),
        message: {
          message_id: 1,
          date: Math.floor(Date.now() / 1000),
          chat: { id: parentId, type: 'private', first_name: 'Әсел' },
          from: { id: parentId, is_bot: false, first_name: 'Әсел', language_code: 'ru' },
          text: '/start',
        },
      }).catch((err: BotError<BotContext>) => bot.errorHandler(err));
      expect(performance.now() - botStarted).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      const replies = botTelegram.calls.slice(sent).filter((c) => c.method === 'sendMessage');
      expect(replies.map((c) => c.payload.text)).toEqual([expect.stringContaining(t.ru('errors.unavailable_later'))]);
      expect(exited).toBeNull();
    } finally {
      await admin.unsafe(`alter database ${name} allow_connections true`);
    }
    // Back by itself: no restart, no request needed to wake it.
    await expectHealthyWithin(TIMEOUT_MS + SLACK_MS, 'the database came back');
    expect((await call('GET', '/api/applications?filter={}')).status).toBe(200);
  }, 60_000);
});
