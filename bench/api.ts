/**
 * The panel's applications list under load from a second process, beside GET /health. The total
 * comes from queue_counts, not count(*): the case measures both once to show why.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createServer } from '../admin/server/index.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { loadPolicy } from '../core/policy.ts';
import { generateSigningKey } from '../core/signing.ts';
import { login } from '../core/sign-in.ts';
import { hashPassword } from '../core/password-hashing.ts';
import { openDatabase } from '../db/client.ts';
import { staffUsers } from '../db/schema/index.ts';
import { fillApplications } from './fill.ts';
import type { BenchCase } from './index.ts';

const SECONDS = 10;
const CONNECTIONS = 10;
/**
 * Few connections: postgres.js pipelines concurrent requests' queries on a connection, and fewer
 * busy backends compete less for the cores. One per core, not one: a single connection would let
 * one slow query hold up every request.
 */
const SERVER_POOL = 2;

interface Load {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statuses: Record<string, number>;
}

/** wrk when installed (apt-get install wrk): a C load generator leaves the two cores to the server. */
function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

function jsonOf<T>(command: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`${command} exited with ${code}: ${out}`));
      else resolve(JSON.parse(line) as T);
    });
  });
}

/** A second process, so the generator does not share the server's event loop. */
async function load(generator: 'wrk' | 'autocannon', url: string, seconds: number, headers: Record<string, string>): Promise<Load> {
  if (generator === 'wrk') {
    const script = fileURLToPath(new URL('./wrk-summary.lua', import.meta.url));
    const head = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    const r = await jsonOf<Omit<Load, 'rps' | 'statuses'> & { seconds: number }>('wrk', [
      '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '5s', ...head, '-s', script, url,
    ]);
    return { ...r, rps: r.requests / r.seconds, statuses: {} };
  }
  const script = fileURLToPath(new URL('./api-load.ts', import.meta.url));
  return jsonOf<Load>(process.execPath, ['--import', 'tsx', script, JSON.stringify({ url, seconds, connections: CONNECTIONS, headers })]);
}

async function median(times: number, fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

const f = (x: number) => +x.toFixed(2);

export const apiCase: BenchCase = {
  name: 'api',
  description: "the panel's applications list (25 rows, district + status, queue order, Content-Range) and GET /health under autocannon",
  async run(ctx) {
    const { sql, settings, log } = ctx;
    const [server] = await sql<{ version: string; shared_buffers: string }[]>`
      select current_setting('server_version') as version, current_setting('shared_buffers') as shared_buffers`;
    log(`PostgreSQL ${server!.version}, shared_buffers = ${server!.shared_buffers}`);
    const total = settings.BENCH_APPLICATIONS;
    const fill = await fillApplications(sql, { total, bigQueue: Math.min(settings.BENCH_BIG_QUEUE, Math.floor(total * 0.9)), log });
    log(`filled ${total.toLocaleString('en')} applications in ${(fill.ms / 1000).toFixed(1)} s`);

    // The district with the most waiting children: the worst case for a count.
    const [district] = await sql<{ district_id: number; waiting: number }[]>`
      select q.district_id, sum(qc.n)::int as waiting from queue_counts qc join queues q on q.id = qc.queue_id
      where qc.level = 0 group by 1 order by 2 desc limit 1`;
    const districtId = district!.district_id;
    log(`district ${districtId}: ${district!.waiting.toLocaleString('en')} children waiting`);

    const countMs = await median(5, () => sql`select count(*) from applications where district_id = ${districtId} and status = 'registered'`);
    const countersMs = await median(5, () => sql`
      select coalesce(sum(qc.n), 0) from queue_counts qc join queues q on q.id = qc.queue_id
      where qc.level = 0 and q.district_id = ${districtId}`);
    log(`total of the filter: exact count(*) ${countMs.toFixed(1)} ms (median of 5), queue_counts level 0 ${countersMs.toFixed(2)} ms`);

    const database = await openDatabase({ url: ctx.url, poolSize: SERVER_POOL });
    try {
      const password = 'bench password 2026';
      await database.db
        .insert(staffUsers)
        .values({ login: 'bench-district', fullName: 'Bench', passwordHash: await hashPassword(password), roles: ['district_staff'], districtIds: [districtId] });
      const session = await login(database.db, { login: 'bench-district', password, ip: '127.0.0.1' }, loadConfig({}));
      if (!session.ok) throw new Error('bench login failed');
      const policy = await loadPolicy(database.db);
      const app = createServer({
        database,
        config: loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent' }),
        logger: createLogger('silent'),
        policy,
        signingKey: generateSigningKey(),
      });
      const http = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      try {
        const { port } = http.address() as AddressInfo;
        const base = `http://127.0.0.1:${port}`;
        const query = new URLSearchParams({
          filter: JSON.stringify({ districtId, status: 'registered' }),
          sort: JSON.stringify(['queueOrder', 'ASC']),
          range: JSON.stringify([0, 24]),
        });
        const listUrl = `${base}/api/applications?${query}`;
        const headers = { cookie: `bq_session=${session.token}` };

        const probe = await fetch(listUrl, { headers });
        const rows = (await probe.json()) as unknown[];
        const range = probe.headers.get('content-range');
        log(`GET ${listUrl.slice(base.length)} → ${probe.status}, ${rows.length} rows, Content-Range: ${range}`);
        if (probe.status !== 200 || rows.length !== 25 || !range?.endsWith(`/${district!.waiting}`)) {
          throw new Error(`unexpected answer: ${probe.status} ${range}`);
        }
        const pageMs = await median(21, () => sql`select * from panel_applications_page(${districtId}, 'registered', null, null, false, 25, 0)`);
        log(`one page straight from PostgreSQL (panel_applications_page, rows and total): ${pageMs.toFixed(2)} ms (median of 21)`);

        const generator = hasWrk() ? 'wrk' : 'autocannon';
        log(`warm-up 3 s, then ${SECONDS} s each, ${CONNECTIONS} connections, ${generator} in a second process` +
            (generator === 'autocannon' ? ' (install wrk to leave more of the machine to the server)' : ''));
        await load(generator, listUrl, 3, headers);
        const list = await load(generator, listUrl, SECONDS, headers);
        log(`list:   ${Math.round(list.rps)} req/s, p50 ${list.p50} ms, p95 ${list.p95} ms, p99 ${list.p99} ms, max ${list.max} ms, non-2xx ${list.non2xx}, errors ${list.errors}`);
        const health = await load(generator, `${base}/health`, SECONDS, {});
        log(`health: ${Math.round(health.rps)} req/s, p50 ${health.p50} ms, p95 ${health.p95} ms, p99 ${health.p99} ms, non-2xx ${health.non2xx}`);
        if (list.non2xx || list.errors) throw new Error(`list answered ${list.non2xx} non-2xx (${JSON.stringify(list.statuses)}) with ${list.errors} errors`);
        return {
          bench: 'api',
          list_p95_ms: f(list.p95),
          list_rps: Math.round(list.rps),
          health_rps: Math.round(health.rps),
          list_p50_ms: f(list.p50),
          list_p99_ms: f(list.p99),
          page_sql_ms: f(pageMs),
          count_star_ms: f(countMs),
          queue_counts_ms: f(countersMs),
          applications: total,
          load_generator: generator,
          district_waiting: district!.waiting,
        };
      } finally {
        await new Promise<void>((resolve) => http.close(() => resolve()));
      }
    } finally {
      await database.close();
    }
  },
};
