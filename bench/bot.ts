/**
 * The parent bot as parents feel it: "My applications" offered at a fixed rate (open loop:
 * updates go out on their schedule whether or not earlier ones were answered), handled through
 * grammY's own transport with a fake Telegram on the PostgreSQL server. The latency of an update
 * runs from its scheduled send time to the bot's first sendMessage reaching the fake (the parent
 * sees the answer begin); the time to the last card is printed beside it. A short ramp of rates
 * finds the highest one whose p99 stays within 100 ms. Every measurement prints the CPU one
 * update costs the bot's process, the rest of the machine, and of that the PostgreSQL backends
 * serving the bench's database: on a 2-core machine the bot and the server share the cores, and
 * other work on the machine shows in "the rest" (and the load average printed), not in the backends.
 * The statements one update sends are listed once, after the warm-up.
 *
 * Data: a fill of up to 100,000 applications (bench/fill.ts); 2,000 parents with a Telegram
 * account, half with three children waiting, half with two, spread over the queues.
 * Settings: BENCH_BOT_LATENCY_* (bench/index.ts).
 */
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import type { Update, UserFromGetMe } from 'grammy/types';
import type postgres from 'postgres';
import { createBot } from '../bot/index.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { loadPolicy } from '../core/policy.ts';
import { createI18n } from '../locales/index.ts';
import { fillApplications } from './fill.ts';
import type { BenchCase } from './index.ts';

const TOKEN = '123456:BENCH-token';
const PARENTS = 2_000;
const TELEGRAM_ID_BASE = 7_000_000_000;
const SUSTAINED_P99_MS = 100;

const botInfo = {
  id: 123456,
  is_bot: true,
  first_name: 'Balabaqsha',
  username: 'balabaqsha_bench_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
} as UserFromGetMe;

/** No socket or WHATWG Response: grammY reads only `json()` of what fetch returns. */
function fakeTelegram(onSend: (chatId: number) => void) {
  const body = JSON.stringify({ ok: true, result: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: '' } });
  const fetch = (async (url: string, init: { body?: unknown }) => {
    if (typeof init.body !== 'string') throw new Error('the bench fake takes JSON requests only');
    if (String(url).endsWith('/sendMessage')) onSend(Number((JSON.parse(init.body) as { chat_id: number | string }).chat_id));
    return { ok: true, status: 200, json: async () => JSON.parse(body) as unknown };
  }) as unknown as typeof globalThis.fetch;
  return { fetch };
}

let updateId = Date.now();
function message(userId: number, text: string): Update {
  return {
    update_id: updateId++,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Ә' },
      from: { id: userId, is_bot: false, first_name: 'Ә', language_code: 'kk' },
      text,
      entities: [{ type: 'bot_command' as const, offset: 0, length: text.length }],
    },
  } as Update;
}

const CLOCK_TICKS = 100;

/** CPU time of the whole machine so far, in µs (Linux /proc/stat; null elsewhere). */
function machineCpuMicros(): number | null {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq] = fields.map(Number);
    return ((user! + nice! + system! + irq! + softirq!) * 1e6) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/**
 * CPU time so far of each PostgreSQL backend serving this database, in µs by pid: what the
 * server spends on the bench's own connections, apart from other work on the machine
 * (Linux /proc, the server on this machine; null otherwise).
 */
async function backendCpuMicros(sql: postgres.Sql): Promise<Map<number, number> | null> {
  const backends = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`;
  const out = new Map<number, number>();
  try {
    for (const { pid } of backends) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [utime, stime] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 13).map(Number);
      out.set(pid, ((utime! + stime!) * 1e6) / CLOCK_TICKS);
    }
  } catch {
    return null;
  }
  return out;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const ms = (x: number) => +x.toFixed(1);

interface Run {
  rate: number;
  p50: number;
  p99: number;
  p50Last: number;
  p99Last: number;
  late: number;
  processMicros: number;
  restMicros: number | null;
  /** Of which the PostgreSQL backends of the bench's own connections. */
  backendMicros: number | null;
}

export const botLatencyCase: BenchCase = {
  name: 'bot-latency',
  description: '"My applications" offered at a fixed rate through grammY (fake Telegram): p50/p99 reply latency and the highest rate with p99 ≤ 100 ms',
  async run({ database, sql, settings, log }) {
    const total = Math.min(settings.BENCH_APPLICATIONS, 100_000);
    const { BENCH_BOT_LATENCY_RATE: rate, BENCH_BOT_LATENCY_SECONDS: seconds, BENCH_BOT_LATENCY_RAMP: ramp, BENCH_BOT_LATENCY_RAMP_SECONDS: rampSeconds } = settings;

    await fillApplications(sql, { total, bigQueue: Math.floor(total * 0.3), log });
    const sample = await sql<{ id: number; applicant_id: number }[]>`
      select id, applicant_id from applications where status = 'registered'
      order by md5(id::text) limit ${PARENTS * 2.5}`;
    const parents: { applicant_id: number; ids: number[] }[] = [];
    for (let i = 0; i < sample.length; ) {
      const size = parents.length < PARENTS / 2 ? 3 : 2;
      const family = sample.slice(i, i + size);
      parents.push({ applicant_id: family[0]!.applicant_id, ids: family.map((f) => f.id) });
      i += size;
    }
    const moves = parents.flatMap((p) => p.ids.map((id) => [id, p.applicant_id] as const));
    for (let i = 0; i < moves.length; i += 1000) {
      const chunk = moves.slice(i, i + 1000);
      await sql`
        update applications a set applicant_id = v.applicant_id::int
        from (values ${sql(chunk.map(([id, applicant]) => [id, applicant]))}) as v(id, applicant_id)
        where a.id = v.id::int`;
    }
    await sql`
      update applicants set telegram_user_id = ${TELEGRAM_ID_BASE}::bigint + id
      where id in ${sql(parents.map((p) => p.applicant_id))}`;
    await sql`analyze`;
    const [pg] = await sql<{ shared_buffers: string; synchronous_commit: string }[]>`
      select current_setting('shared_buffers') as shared_buffers, current_setting('synchronous_commit') as synchronous_commit`;
    log(
      `${total} applications; ${parents.length} parents with Telegram; pool ${sql.options.max} connections; ` +
        `shared_buffers ${pg?.shared_buffers}, synchronous_commit ${pg?.synchronous_commit}`,
    );

    const waiting = new Map<number, number>();
    let firsts: number[] = [];
    const telegram = fakeTelegram((chat) => {
      const scheduled = waiting.get(chat);
      if (scheduled === undefined) return;
      waiting.delete(chat);
      firsts.push(performance.now() - scheduled);
    });
    const policy = await loadPolicy(database.db);
    const config = loadConfig({ BOT_TOKEN: TOKEN });
    const bot = createBot({ db: database.db, logger: createLogger('silent'), config, policy, i18n: await createI18n() }, { botInfo, client: { fetch: telegram.fetch } });
    const users = parents.map((p) => TELEGRAM_ID_BASE + p.applicant_id);

    // Warm-up: every parent's session exists and has seen its positions; plans are cached.
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < users.length) await bot.handleUpdate(message(users[next++]!, '/my'));
      }),
    );

    // The statements one update runs, as the driver sends them: what PostgreSQL is asked per parent.
    const traced = 20;
    const statements = new Map<string, number>();
    sql.options.debug = (_connection: number, query: string) => {
      const key = query.replace(/\s+/g, ' ').trim();
      statements.set(key, (statements.get(key) ?? 0) + 1);
    };
    for (let i = 0; i < traced; i++) await bot.handleUpdate(message(users[i]!, '/my'));
    sql.options.debug = false;
    const perUpdate = [...statements.values()].reduce((a, b) => a + b, 0) / traced;
    log(`statements per update: ${perUpdate}`);
    for (const [query, n] of [...statements].sort((a, b) => b[1] - a[1])) log(`  ${+(n / traced).toFixed(2)}× ${query.slice(0, 400)}`);

    /** Offers `r` updates a second for `s` seconds on a fixed schedule; latencies in ms. */
    async function offer(r: number, s: number): Promise<Run> {
      const count = Math.round(r * s);
      firsts = [];
      waiting.clear();
      const lasts: number[] = [];
      const pending: Promise<void>[] = [];
      const backends0 = await backendCpuMicros(sql);
      const machine0 = machineCpuMicros();
      const cpu0 = process.cpuUsage();
      const start = performance.now() + 5;
      let sent = 0;
      while (sent < count) {
        const now = performance.now();
        // Every update whose time has come goes out now, late or not: the schedule never waits for answers.
        while (sent < count && start + (sent * 1000) / r <= now) {
          const scheduled = start + (sent * 1000) / r;
          const user = users[sent % users.length]!;
          waiting.set(user, scheduled);
          pending.push(bot.handleUpdate(message(user, '/my')).then(() => void lasts.push(performance.now() - scheduled)));
          sent++;
        }
        if (sent < count) await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + (sent * 1000) / r - performance.now())));
      }
      const deadline = performance.now() + 10_000;
      await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - performance.now())))]);
      const cpu = process.cpuUsage(cpu0);
      const own = cpu.user + cpu.system;
      const machine1 = machineCpuMicros();
      const late = count - firsts.length;
      const f = [...firsts, ...Array<number>(late).fill(Infinity)].sort((a, b) => a - b);
      const l = [...lasts, ...Array<number>(count - lasts.length).fill(Infinity)].sort((a, b) => a - b);
      await Promise.all(pending);
      const backends1 = await backendCpuMicros(sql);
      const backendMicros =
        backends0 && backends1 ? [...backends1].reduce((sum, [pid, micros]) => sum + micros - (backends0.get(pid) ?? 0), 0) / count : null;
      return {
        rate: r,
        p50: quantile(f, 0.5),
        p99: quantile(f, 0.99),
        p50Last: quantile(l, 0.5),
        p99Last: quantile(l, 0.99),
        late,
        processMicros: own / count,
        restMicros: machine0 === null || machine1 === null ? null : Math.max(0, machine1 - machine0 - own) / count,
        backendMicros,
      };
    }
    const show = (what: string, x: Run) =>
      log(
        `${what}: ${x.rate} updates/s — first reply p50 ${ms(x.p50)} ms, p99 ${ms(x.p99)} ms; whole answer p50 ${ms(x.p50Last)} ms, p99 ${ms(x.p99Last)} ms` +
          `${x.late ? `; ${x.late} unanswered after 10 s` : ''}; CPU per update: bot ${Math.round(x.processMicros)} µs, ` +
          `the rest of the machine ${x.restMicros === null ? '?' : Math.round(x.restMicros)} µs, of which this database's backends ` +
          `${x.backendMicros === null ? '?' : Math.round(x.backendMicros)} µs; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`,
      );

    let maxRate = 0;
    for (const r of ramp) {
      const x = await offer(r, rampSeconds);
      show(`ramp ${rampSeconds} s`, x);
      if (x.p99 > SUSTAINED_P99_MS) break;
      maxRate = r;
    }
    const main = await offer(rate, seconds);
    show(`${seconds} s`, main);
    return { bench: 'bot-latency', rate, p50_ms: ms(main.p50), p99_ms: ms(main.p99), max_rate: maxRate };
  },
};
