/** Is a parent's position as cheap as reading their application? Positions are also checked against a brute-force merge. */
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { getPosition } from '../core/position.ts';
import { loadPolicy, type Policy } from '../core/policy.ts';
import { positionIn, type QueueList } from '../core/queue.ts';
import type { Db } from '../db/client.ts';
import { applications } from '../db/schema/index.ts';
import * as schema from '../db/schema/index.ts';
import { mulberry32 } from '../db/seed-data.ts';
import { addLateBeneficiaries, fillApplications } from './fill.ts';
import type { BenchCase, BenchContext } from './index.ts';

interface Stats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return {
    n: sorted.length,
    p50: at(0.5),
    p99: at(0.99),
    mean: sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

const ms = (x: number) => x.toFixed(3);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function pickN(random: () => number, ids: number[], n: number): number[] {
  return Array.from({ length: n }, () => ids[Math.floor(random() * ids.length)]!);
}

interface Measured {
  pk: Stats;
  big: Stats;
  small: Stats;
}

/** Interleaves the three lookups so that all see the same cache and load. */
async function measure(
  db: Db,
  policy: Policy,
  ids: { all: [number, number]; big: number[]; small: number[] },
  lookups: number,
  seed: number,
): Promise<Measured> {
  const random = mulberry32(seed);
  const pkLookup = (id: number) =>
    db
      .select({
        id: applications.id,
        number: applications.number,
        status: applications.status,
        queueId: applications.queueId,
        queueCategory: applications.queueCategory,
        registeredAt: applications.registeredAt,
      })
      .from(applications)
      .where(eq(applications.id, id));
  const position = async (id: number) => {
    const p = await getPosition(db, id, policy);
    if (!p) throw new Error(`application ${id} should be waiting`);
  };
  const [lo, hi] = ids.all;
  const warmUp = Math.max(200, Math.round(lookups / 10));
  const pk: number[] = [];
  const big: number[] = [];
  const small: number[] = [];
  const bigIds = pickN(random, ids.big, warmUp + lookups);
  const smallIds = pickN(random, ids.small, warmUp + lookups);
  for (let i = 0; i < warmUp + lookups; i++) {
    const pkId = lo + Math.floor(random() * (hi - lo + 1));
    const a = await timed(() => pkLookup(pkId));
    const b = await timed(() => position(bigIds[i]!));
    const c = await timed(() => position(smallIds[i]!));
    if (i >= warmUp) {
      pk.push(a);
      big.push(b);
      small.push(c);
    }
  }
  return { pk: stats(pk), big: stats(big), small: stats(small) };
}

/** Independent of queue_counts and of core's formula. */
async function bruteForceOrder(ctx: BenchContext, queueId: number, k: number): Promise<Map<number, number>> {
  const rows = await ctx.sql<{ id: number; list: number }[]>`
    select id, queue_category as list from applications
    where queue_id = ${queueId} and status = 'registered'
    order by queue_category, registered_at, id`;
  const [queue] = await ctx.sql<{ phase: number }[]>`select phase from queues where id = ${queueId}`;
  const e = rows.filter((r) => r.list === 0).map((r) => r.id);
  const b = rows.filter((r) => r.list === 1).map((r) => r.id);
  const g = rows.filter((r) => r.list === 2).map((r) => r.id);
  const order = [...e];
  let phase = queue!.phase;
  let bi = 0;
  let gi = 0;
  while (bi < b.length || gi < g.length) {
    if (bi < b.length && (phase >= k || gi >= g.length)) {
      order.push(b[bi++]!);
      phase = 0;
    } else {
      order.push(g[gi++]!);
      phase = Math.min(phase + 1, k);
    }
  }
  return new Map(order.map((id, i) => [id, i + 1]));
}

async function countedPosition(ctx: BenchContext, id: number, k: number): Promise<number> {
  const [row] = await ctx.sql<{ list: number; e: number; b: number; g: number; ahead: number; phase: number }[]>`
    with me as (select id, queue_id, queue_category, registered_at from applications where id = ${id})
    select me.queue_category as list, q.phase,
      (select count(*) from applications x where x.queue_id = me.queue_id and x.status = 'registered' and x.queue_category = 0)::int as e,
      (select count(*) from applications x where x.queue_id = me.queue_id and x.status = 'registered' and x.queue_category = 1)::int as b,
      (select count(*) from applications x where x.queue_id = me.queue_id and x.status = 'registered' and x.queue_category = 2)::int as g,
      (select count(*) from applications x where x.queue_id = me.queue_id and x.status = 'registered'
         and x.queue_category = me.queue_category
         and (x.registered_at < me.registered_at or (x.registered_at = me.registered_at and x.id < me.id)))::int as ahead
    from me join queues q on q.id = me.queue_id`;
  if (!row) throw new Error(`application ${id} not found`);
  return positionIn(row.list as QueueList, row.ahead, { e: row.e, b: row.b, g: row.g }, row.phase, k).position;
}

async function explainPosition(ctx: BenchContext, id: number, policy: Policy): Promise<string> {
  let captured: { query: string; params: unknown[] } | null = null;
  const spy = drizzle(ctx.sql, {
    schema,
    casing: 'snake_case',
    logger: { logQuery: (query, params) => (captured = { query, params }) },
  }) as unknown as Db;
  await getPosition(spy, id, policy);
  if (!captured) return '(no query captured)';
  const { query, params } = captured as { query: string; params: unknown[] };
  const plan = await ctx.sql.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, buffers) ${query}`, params as never[]);
  return plan.map((r) => r['QUERY PLAN']).join('\n');
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

export const positionCase: BenchCase = {
  name: 'position',
  description: 'getPosition vs a primary-key lookup, 1M applications, one queue of 300k',
  async run(ctx) {
    const { sql, settings, log } = ctx;
    const db = ctx.database.db;
    const total = settings.BENCH_APPLICATIONS;
    const bigQueue = Math.min(settings.BENCH_BIG_QUEUE, Math.floor(total * 0.9));
    const [{ server_version: version }] = await sql<[{ server_version: string }]>`show server_version`;
    const [{ shared_buffers: sharedBuffers }] = await sql<[{ shared_buffers: string }]>`show shared_buffers`;
    const server = { version, shared_buffers: sharedBuffers };
    log(`PostgreSQL ${server.version}, shared_buffers = ${server.shared_buffers}`);

    const fill = await fillApplications(sql, { total, bigQueue, log });
    log(`filled ${total.toLocaleString('en')} applications in ${(fill.ms / 1000).toFixed(1)} s`);
    // Flush the load's dirty pages now rather than in the middle of the measurements.
    await sql`checkpoint`.catch(() => log('checkpoint not allowed for this role; measuring anyway'));
    const [sizes] = await sql<{ table: string; indexes: string; queue_counts: number }[]>`
      select pg_size_pretty(pg_table_size('applications')) as table,
             pg_size_pretty(pg_indexes_size('applications')) as indexes,
             (select count(*) from queue_counts)::int as queue_counts`;
    log(`applications: table ${sizes!.table}, indexes ${sizes!.indexes}; queue_counts rows: ${sizes!.queue_counts}`);

    const policy = await loadPolicy(db);
    const k = policy.generalPerBeneficiary;
    const [range] = await sql<{ lo: number; hi: number }[]>`select min(id) as lo, max(id) as hi from applications`;
    const sampleSize = settings.BENCH_LOOKUPS + 1000;
    const bigIds = (
      await sql<{ id: number }[]>`
        select id from applications where queue_id = ${fill.bigQueueId} and status = 'registered' order by random() limit ${sampleSize}`
    ).map((r) => r.id);
    const smallIds = (
      await sql<{ id: number }[]>`
        select id from applications tablesample system (5)
        where queue_id <> ${fill.bigQueueId} and status = 'registered' order by random() limit ${sampleSize}`
    ).map((r) => r.id);
    const ids = { all: [range!.lo, range!.hi] as [number, number], big: bigIds, small: smallIds };
    const [smallQueues] = await sql<{ queues: number; avg: number; max: number }[]>`
      select count(*)::int as queues, round(avg(n))::int as avg, max(n)::int as max
      from (select queue_id, sum(n) as n from queue_counts where level = 0 and queue_id <> ${fill.bigQueueId} group by 1) t`;

    log(`measuring ${settings.BENCH_LOOKUPS} lookups of each kind (interleaved, after a warm-up)…`);
    const before = await measure(db, policy, ids, settings.BENCH_LOOKUPS, 11);

    // Late proofs verified: old registration times at the head of the queue, through the trigger.
    const late = await addLateBeneficiaries(sql, { queueId: fill.bigQueueId, count: 200 });
    log(`registered ${late.length} late beneficiaries/extraordinary children into the big queue`);
    const merged = await bruteForceOrder(ctx, fill.bigQueueId, k);
    const random = mulberry32(5);
    const checkIds = [...pickN(random, late, 10), ...pickN(random, bigIds, 40)];
    let exact = 0;
    const mismatches: string[] = [];
    for (const id of checkIds) {
      const got = await getPosition(db, id, policy);
      const brute = merged.get(id);
      const counted = await countedPosition(ctx, id, k);
      if (got && got.position === brute && brute === counted) exact++;
      else mismatches.push(`#${id}: getPosition ${got?.position ?? 'null'}, merged order ${brute}, counted ${counted}`);
    }
    console.log(`exact: ${exact}/${checkIds.length}`);
    for (const m of mismatches) console.log(`  mismatch ${m}`);

    const after = await measure(db, policy, { ...ids, big: [...bigIds, ...late] }, settings.BENCH_LOOKUPS, 13);
    const plan = await explainPosition(ctx, bigIds[0]!, policy);

    const row = (what: string, s: Stats) => [what, String(s.n), ms(s.p50), ms(s.p99), ms(s.mean), ms(s.max)];
    console.log('');
    console.log(`applications: ${total.toLocaleString('en')}; big queue #${fill.bigQueueId} (district ${fill.big.districtId}, born ${fill.big.birthYear}, ${fill.big.language}): ${bigQueue.toLocaleString('en')} waiting; other queues: ${smallQueues!.queues}, ~${smallQueues!.avg} waiting each (max ${smallQueues!.max})`);
    console.log(`server: PostgreSQL ${server.version}, shared_buffers ${server.shared_buffers}; fill: ${(fill.ms / 1000).toFixed(1)} s ${JSON.stringify(fill.timings)}`);
    console.log('');
    console.log(
      table([
        ['lookup (ms)', 'n', 'p50', 'p99', 'mean', 'max'],
        row('primary key', before.pk),
        row('position, big queue', before.big),
        row('position, small queues', before.small),
        row('after 200 late beneficiaries:', { n: 0, p50: NaN, p99: NaN, mean: NaN, max: NaN }).map((c, i) => (i === 0 ? c : '')),
        row('primary key', after.pk),
        row('position, big queue', after.big),
        row('position, small queues', after.small),
      ]),
    );
    const ratio = before.big.p99 / before.pk.p99;
    console.log('');
    console.log(`ratio position p99 / pk p99 (big queue): ${ratio.toFixed(2)} before the change, ${(after.big.p99 / after.pk.p99).toFixed(2)} after (target ≤ 2)`);
    console.log(`ratio position p50 / pk p50 (big queue): ${(before.big.p50 / before.pk.p50).toFixed(2)} before the change, ${(after.big.p50 / after.pk.p50).toFixed(2)} after`);
    console.log(`exact: ${exact}/${checkIds.length}`);
    console.log('\nEXPLAIN (ANALYZE, BUFFERS) of getPosition for a big-queue application:');
    console.log(plan);
    return {
      bench: 'position',
      applications: total,
      queue: bigQueue,
      position_p99_ms: Number(before.big.p99.toFixed(3)),
      pk_p99_ms: Number(before.pk.p99.toFixed(3)),
      ratio: Number(ratio.toFixed(2)),
    };
  },
};
