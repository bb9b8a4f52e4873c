/** Cold: empty data and temp directories, so migrations, demo data and transpiling all count. Warm: a restart. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase } from './index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT_MS = 120_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    // npm start runs tsx in a process group of its own: stop all of it.
    process.kill(-child.pid!, 'SIGTERM');
  });
}

async function timeStart(dir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: '',
      DATA_DIR: join(dir, 'data'),
      TMPDIR: join(dir, 'tmp'),
      PORT: String(port),
      HOST: '127.0.0.1',
      RUN: 'http,workers',
      BOT_TOKEN: '',
      LOG_LEVEL: 'warn',
    },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    while (performance.now() - started < TIMEOUT_MS) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}: ${stderr.slice(-2000)}`);
      if (await healthy(`http://127.0.0.1:${port}/health`)) return (performance.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no /health within ${TIMEOUT_MS / 1000} s: ${stderr.slice(-2000)}`);
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const startCase: BenchCase = {
  name: 'start',
  description: '`npm start` on the embedded database to /health: cold (empty data and temp dirs, demo data) and warm (restart)',
  async run({ log }) {
    const runs = Number(process.env.BENCH_START_RUNS ?? 3);
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'balabaqsha-start-'));
      try {
        mkdirSync(join(dir, 'tmp'));
        cold.push(await timeStart(dir));
        warm.push(await timeStart(dir));
        log(`run ${i + 1}: cold ${cold.at(-1)!.toFixed(2)} s, warm ${warm.at(-1)!.toFixed(2)} s`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    log(`median of ${runs}: cold ${median(cold).toFixed(2)} s, warm ${median(warm).toFixed(2)} s`);
    return { bench: 'start', cold_s: +median(cold).toFixed(2), warm_s: +median(warm).toFixed(2), runs };
  },
};
