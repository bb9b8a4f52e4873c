/**
 * The parent bot under load: "My applications" (dedupe, session, the parent's applications,
 * their positions, the reply) handled through grammY's own transport with a fake Telegram,
 * 16 updates in flight, next to a baseline bot whose handler does one primary-key query and
 * replies — same transport, same pool, same run, rounds interleaved. Each round also times the
 * bot answering a text no feature takes ("hello"): the cost of the chain every update pays
 * (dedupe claim with the session, session, i18n, conversations, the features' filters, a reply),
 * to tell it apart from the cost of "My applications" itself.
 *
 * Data: a fill of up to 100,000 applications (bench/fill.ts); 2,000 parents with a Telegram
 * account, half with three children waiting, half with two, spread over the queues.
 */
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

/** Updates per second with `inFlight` handleUpdate calls running at once. */
async function drive(handle: (u: Update) => Promise<void>, updates: Update[], inFlight: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < updates.length) await handle(updates[next++]!);
    }),
  );
  return updates.length / ((performance.now() - started) / 1000);
}

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
      const cpu0 = process.cpuUsage();
      const w0 = performance.now();
      const b = await drive((u) => baselineBot.handleUpdate(u), batch('status', n), IN_FLIGHT);
      const cpu1 = process.cpuUsage();
      const w1 = performance.now();
      const calls0 = statusTelegram.calls();
      const s = await drive((u) => statusBot.handleUpdate(u), batch('/my', n), IN_FLIGHT);
      myCalls += statusTelegram.calls() - calls0;
      const cpu2 = process.cpuUsage();
      const w2 = performance.now();
      const busy = (a: NodeJS.CpuUsage, z: NodeJS.CpuUsage, ms: number) => Math.round(((z.user - a.user + z.system - a.system) / 1000 / ms) * 100);
      log(`round ${round}: this process was busy ${busy(cpu0, cpu1, w1 - w0)}% of the baseline's time, ${busy(cpu1, cpu2, w2 - w1)}% of "my applications"'s (the rest is waiting for PostgreSQL)`);
      // The same bot answering a text no feature takes: dedupe claim with the session, session,
      // i18n, conversations, every feature's filter, one reply. What any update costs.
      const h = await drive((u) => statusBot.handleUpdate(u), batch('hello', n), IN_FLIGHT);
      baseline.push(b);
      status.push(s);
      chain.push(h);
      log(`round ${round}: baseline ${Math.round(b)} updates/s, my applications ${Math.round(s)} updates/s, the bare chain ("hello") ${Math.round(h)} updates/s (${n} updates each)`);
    }
    const callsPerUpdate = myCalls / (ROUNDS * n);
    log(`"My applications" sends ${callsPerUpdate.toFixed(2)} messages per update (one card per child)`);
    const baselineRate = Math.round(median(baseline));
    const statusRate = Math.round(median(status));
    return {
      bench: 'bot',
      baseline_updates_per_s: baselineRate,
      status_updates_per_s: statusRate,
      ratio: +(statusRate / baselineRate).toFixed(3),
      chain_updates_per_s: Math.round(median(chain)),
    };
  },
};
