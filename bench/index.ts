/**
 * Each case gets a fresh database on the DATABASE_URL server (never the one in the URL), dropped
 * afterwards unless BENCH_KEEP=1. Settings are read here only.
 */
import postgres from 'postgres';
import { z } from 'zod';
import { loadConfigOrExit } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { seedDemo } from '../db/seed.ts';
import { allocationCase } from './allocation.ts';
import { apiCase } from './api.ts';
import { botLatencyCase } from './bot.ts';
import { fanoutCase } from './fanout.ts';
import { panelLoadCase } from './panel-load.ts';
import { poolCase } from './pool.ts';
import { positionCase } from './position.ts';
import { startCase } from './start.ts';

export const BENCH_DATABASE = 'balabaqsha_bench';

const benchEnvSchema = z.object({
  BENCH_APPLICATIONS: z.coerce.number().int().min(1_000).default(1_000_000),
  BENCH_BIG_QUEUE: z.coerce.number().int().min(100).default(300_000),
  BENCH_LOOKUPS: z.coerce.number().int().min(100).default(5_000),
  BENCH_BOT_LATENCY_RATE: z.coerce.number().positive().default(300),
  BENCH_BOT_LATENCY_SECONDS: z.coerce.number().positive().default(60),
  BENCH_BOT_LATENCY_RAMP: z
    .string()
    .regex(/^\d+(,\d+)*$/)
    .default('100,200,300,400,500,600')
    .transform((v) => v.split(',').map(Number)),
  BENCH_BOT_LATENCY_RAMP_SECONDS: z.coerce.number().positive().default(10),
  FANOUT_N: z.coerce.number().int().min(10).default(10_000),
  BENCH_KEEP: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
});
export type BenchSettings = z.infer<typeof benchEnvSchema>;

export interface BenchContext {
  database: Database;
  sql: postgres.Sql;
  url: string;
  settings: BenchSettings;
  log: (message: string) => void;
}

export interface BenchCase {
  name: string;
  description: string;
  database?: string;
  /** Prints its figures; the returned line is printed last, as the case's JSON summary. */
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
}

export const CASES: BenchCase[] = [poolCase, positionCase, allocationCase, botLatencyCase, apiCase, fanoutCase, startCase, panelLoadCase];

function benchUrl(serverUrl: string, name: string): { admin: string; bench: string } {
  const admin = new URL(serverUrl);
  if (admin.pathname.replace(/^\//, '') === name) admin.pathname = '/postgres';
  const bench = new URL(admin.href);
  bench.pathname = `/${name}`;
  return { admin: admin.href, bench: bench.href };
}

async function runCase(benchCase: BenchCase, serverUrl: string, settings: BenchSettings): Promise<Record<string, unknown>> {
  const log = (message: string) => console.log(`[${benchCase.name}] ${message}`);
  const name = benchCase.database ?? BENCH_DATABASE;
  const urls = benchUrl(serverUrl, name);
  const admin = postgres(urls.admin, { max: 1, onnotice: () => {} });
  const dropBench = () => admin.unsafe(`drop database if exists ${name} with (force)`);
  try {
    await dropBench();
    await admin.unsafe(`create database ${name}`);
    log(`created database ${name}`);
    const database = await openDatabase({ url: urls.bench, poolSize: 4 });
    try {
      await database.migrate();
      await seedDemo(database, { logger: createLogger('warn'), applications: 0 });
      return await benchCase.run({ database, sql: database.sql!, url: urls.bench, settings, log });
    } finally {
      await database.close();
    }
  } finally {
    if (settings.BENCH_KEEP) log(`kept database ${name} (BENCH_KEEP=1)`);
    else await dropBench();
    await admin.end({ timeout: 5 });
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL) {
    console.error(
      'npm run bench needs a PostgreSQL server: set DATABASE_URL, e.g.\n' +
        '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench\n' +
        `It creates (and drops) its own database "${BENCH_DATABASE}" on that server.`,
    );
    process.exit(2);
  }
  const parsed = benchEnvSchema.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([k, v]) => (k.startsWith('BENCH_') || k === 'FANOUT_N') && v !== '')),
  );
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
    process.exit(2);
  }
  const settings = parsed.data;
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !CASES.some((c) => c.name === n));
  if (unknown.length) {
    console.error(`unknown bench case: ${unknown.join(', ')}\ncases: ${CASES.map((c) => `${c.name} (${c.description})`).join('; ')}`);
    process.exit(2);
  }
  const selected = names.length ? CASES.filter((c) => names.includes(c.name)) : CASES;
  const summaries: Record<string, unknown>[] = [];
  for (const benchCase of selected) summaries.push(await runCase(benchCase, config.DATABASE_URL, settings));
  // One JSON line per case, last, for scripts that collect results.
  for (const summary of summaries) console.log(JSON.stringify(summary));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
