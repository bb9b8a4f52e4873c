/**
 * The parent bot under load: "My applications" (dedupe, session, the parent's applications,
 * their positions, the reply) handled through grammY's own transport with a fake Telegram,
 * 16 updates in flight, next to a baseline bot whose handler does one primary-key query and
 * replies — same transport, same pool, same run, rounds interleaved. Each round also times the
 * bot answering a text no feature takes ("hello"): the cost of the chain every update pays
 * (dedupe claim with the session, session, i18n, conversations, the features' filters, a reply),
 * to tell it apart from the cost of "My applications" itself. Every measurement also prints the
 * CPU one update costs the bot's process and the rest of the machine (PostgreSQL): on a 2-core
 * machine the two share the cores, so those figures, not waiting, set the rates.
 *
 * Data: a fill of up to 100,000 applications (bench/fill.ts); 2,000 parents with a Telegram
 * account, half with three children waiting, half with two, spread over the queues.
 */
import { readFileSync } from 'node:fs';
import { eq, sql as dsql } from 'drizzle-orm';
import { Bot } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { createBot } from '../bot/index.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { loadPolicy } from '../core/policy.ts';
import { applications } from '../db/schema/index.ts';
import { createI18n } from '../locales/index.ts';
import { fillApplications } from './fill.ts';
import type { BenchCase } from './index.ts';

const TOKEN = '123456:BENCH-token';
const IN_FLIGHT = 16;
const PARENTS = 2_000;
const ROUNDS = 3;
const TELEGRAM_ID_BASE = 7_000_000_000;

const botInfo = {
  id: 123456,
  is_bot: true,
  first_name: 'Balabaqsha',
  username: 'balabaqsha_bench_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
} as UserFromGetMe;

/**
 * Telegram at the HTTP level, as cheap as it gets: grammY builds and serialises every request
 * as usual and parses a JSON answer, but no socket or WHATWG Response is involved (grammY
 * reads only `json()` of what fetch returns). Both bots use the same fake.
 */
function fakeTelegram() {
  let calls = 0;
  const body = JSON.stringify({ ok: true, result: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: '' } });
  const fetch = (async (_url: string, init: { body?: unknown }) => {
    calls++;
    if (typeof init.body !== 'string') throw new Error('the bench fake takes JSON requests only');
    return { ok: true, status: 200, json: async () => JSON.parse(body) as unknown };
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls: () => calls };
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
      ...(text.startsWith('/') ? { entities: [{ type: 'bot_command' as const, offset: 0, length: text.length }] } : {}),
    },
  } as Update;
}

/** USER_HZ: /proc/stat counts in hundredths of a second on Linux. */
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

interface Measured {
  perSecond: number;
  /** CPU per update of this process (the bot), and of everything else on the machine (PostgreSQL). */
  processMicros: number;
  restMicros: number | null;
}

/** Updates per second with `inFlight` handleUpdate calls running at once, and the CPU they cost. */
async function drive(handle: (u: Update) => Promise<void>, updates: Update[], inFlight: number): Promise<Measured> {
  let next = 0;
  const machine0 = machineCpuMicros();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < updates.length) await handle(updates[next++]!);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const own = cpu.user + cpu.system;
  const machine1 = machineCpuMicros();
  return {
    perSecond: updates.length / seconds,
    processMicros: own / updates.length,
    restMicros: machine0 === null || machine1 === null ? null : Math.max(0, machine1 - machine0 - own) / updates.length,
  };
}

const cost = (m: Measured) =>
  `${Math.round(m.perSecond)} updates/s (CPU per update: bot ${Math.round(m.processMicros)} µs, PostgreSQL and the rest ${m.restMicros === null ? '?' : Math.round(m.restMicros)} µs)`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const botCase: BenchCase = {
  name: 'bot',
  description: '"My applications" through grammY (fake Telegram, 16 in flight) against a one-query baseline bot',
  async run({ database, sql, settings, log }) {
    const total = Math.min(settings.BENCH_APPLICATIONS, 100_000);
    await fillApplications(sql, { total, bigQueue: Math.floor(total * 0.3), log });
    // Families: 1,000 parents with three children waiting and 1,000 with two, spread over the queues.
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
    const perParent = parents.reduce((s, p) => s + p.ids.length, 0) / parents.length;
    const [pg] = await sql<{ shared_buffers: string; synchronous_commit: string }[]>`
      select current_setting('shared_buffers') as shared_buffers, current_setting('synchronous_commit') as synchronous_commit`;
    log(
      `${total} applications; ${parents.length} parents with Telegram, ${perParent.toFixed(2)} applications each; ` +
        `pool ${sql.options.max} connections; shared_buffers ${pg?.shared_buffers}, synchronous_commit ${pg?.synchronous_commit}`,
    );

    const db = database.db;
    const policy = await loadPolicy(db);
    const i18n = await createI18n();
    const config = loadConfig({ BOT_TOKEN: TOKEN });
    const statusTelegram = fakeTelegram();
    const statusBot = createBot({ db, logger: createLogger('silent'), config, policy, i18n }, { botInfo, client: { fetch: statusTelegram.fetch } });
    const baselineTelegram = fakeTelegram();
    const baselineBot = new Bot(TOKEN, { botInfo, client: { fetch: baselineTelegram.fetch } });
    const firstApplication = new Map(parents.map((p) => [TELEGRAM_ID_BASE + p.applicant_id, p.ids[0]!]));
    // Prepared, like the bot's two hot statements, so both sides get the same treatment.
    const byId = db
      .select({ number: applications.number, status: applications.status })
      .from(applications)
      .where(eq(applications.id, dsql.placeholder('id')))
      .prepare('bench_application_by_id');
    baselineBot.on('message', async (ctx) => {
      const [row] = await byId.execute({ id: firstApplication.get(ctx.from.id)! });
      await ctx.reply(`${row?.number} ${row?.status}`);
    });

    const users = parents.map((p) => TELEGRAM_ID_BASE + p.applicant_id);
    const batch = (text: string, n: number) => Array.from({ length: n }, (_, i) => message(users[i % users.length]!, text));
    const n = Math.max(4_000, Math.min(settings.BENCH_LOOKUPS * 2, 20_000));

    // Warm-up: every parent's session exists and has seen its positions; plans are cached.
    await drive((u) => statusBot.handleUpdate(u), batch('/my', users.length), IN_FLIGHT);
    await drive((u) => baselineBot.handleUpdate(u), batch('status', users.length), IN_FLIGHT);
    const [sessions] = await sql<{ n: number }[]>`select count(*)::int as n from bot_sessions`;
    log(`warm-up done: ${sessions?.n} sessions`);

    // Writes per look at an unchanged queue: sessions touched by a batch of "My applications".
    const [mark] = await sql<{ now: Date }[]>`select clock_timestamp() as now`;
    await drive((u) => statusBot.handleUpdate(u), batch('/my', 1000), IN_FLIGHT);
    const [touched] = await sql<{ n: number }[]>`select count(*)::int as n from bot_sessions where updated_at > ${mark!.now}`;
    log(`a second look at an unchanged queue wrote ${touched?.n ?? 0} of 1000 sessions`);
    const baseline: number[] = [];
    const status: number[] = [];
    const chain: number[] = [];
    let myCalls = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const b = await drive((u) => baselineBot.handleUpdate(u), batch('status', n), IN_FLIGHT);
      const calls0 = statusTelegram.calls();
      const s = await drive((u) => statusBot.handleUpdate(u), batch('/my', n), IN_FLIGHT);
      myCalls += statusTelegram.calls() - calls0;
      // The same bot answering a text no feature takes: dedupe claim with the session, session,
      // i18n, conversations, every feature's filter, one reply. What any update costs.
      const h = await drive((u) => statusBot.handleUpdate(u), batch('hello', n), IN_FLIGHT);
      baseline.push(b.perSecond);
      status.push(s.perSecond);
      chain.push(h.perSecond);
      log(`round ${round} (${n} updates each): baseline ${cost(b)}`);
      log(`round ${round}: my applications ${cost(s)}`);
      log(`round ${round}: the bare chain ("hello") ${cost(h)}`);
    }
    const callsPerUpdate = myCalls / (ROUNDS * n);
    log(`"My applications" sends ${callsPerUpdate.toFixed(2)} messages per update (one card per child)`);
    const baselineRate = Math.round(median(baseline));
    const statusRate = Math.round(median(status));
    const chainRate = Math.round(median(chain));
    log(`no update can be faster than the bare chain: ${chainRate} updates/s, ${(chainRate / baselineRate).toFixed(3)} of the baseline`);
    return {
      bench: 'bot',
      baseline_updates_per_s: baselineRate,
      status_updates_per_s: statusRate,
      ratio: +(statusRate / baselineRate).toFixed(3),
      chain_updates_per_s: chainRate,
      chain_ratio: +(chainRate / baselineRate).toFixed(3),
    };
  },
};
