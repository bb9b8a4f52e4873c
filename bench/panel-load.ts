/**
 * Bytes are what went over the wire (CDP encodedDataLength). The throttled run stands for a
 * district office's link: on 127.0.0.1 the bytes hardly cost time.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { createServer } from '../admin/server/index.ts';
import { buildPanel, panelIsStale } from '../admin/web/build.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { loadPolicy } from '../core/policy.ts';
import { generateSigningKey } from '../core/signing.ts';
import { CHROMIUM_ARGS, chromiumPath } from '../test/support/chromium.ts';
import type { BenchCase } from './index.ts';

interface Load {
  ms: number;
  bytes: number;
  chunks: number;
  encodings: Record<string, number>;
}

async function loadLogin(browser: Browser, base: string, mbit?: number): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ru-RU' });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (mbit) {
      const bytesPerSecond = (mbit * 1_000_000) / 8;
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 20,
        downloadThroughput: bytesPerSecond,
        uploadThroughput: bytesPerSecond,
      });
    }
    const scripts = new Set<string>();
    const encodingOf = new Map<string, string>();
    const sizes = new Map<string, number>();
    cdp.on('Network.responseReceived', (e) => {
      if (e.type === 'Script') scripts.add(e.response.url);
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      encodingOf.set(e.requestId, headers['content-encoding'] ?? 'identity');
    });
    cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength));
    const started = performance.now();
    await page.goto(`${base}/admin/`);
    await page.locator('input[name=username]').waitFor({ state: 'visible' });
    const ms = performance.now() - started;
    // Requests still finishing when the form showed belong to this load too.
    await page.waitForLoadState('networkidle');
    const encodings: Record<string, number> = {};
    for (const [id, encoding] of encodingOf) encodings[encoding] = (encodings[encoding] ?? 0) + (sizes.get(id) ?? 0);
    const bytes = [...sizes.values()].reduce((a, b) => a + b, 0);
    return { ms, bytes, chunks: scripts.size, encodings };
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function summary(loads: Load[]) {
  return {
    kb: median(loads.map((l) => l.bytes)) / 1024,
    ms: median(loads.map((l) => l.ms)),
    chunks: median(loads.map((l) => l.chunks)),
  };
}

export const panelLoadCase: BenchCase = {
  name: 'panel-load',
  database: 'balabaqsha_bench_panel',
  description: "the login page's first load in Chromium (cold cache): bytes transferred, time to the visible form, scripts loaded",
  async run({ database, log }) {
    const runs = Number(process.env.BENCH_PANEL_RUNS ?? 5);
    const mbit = Number(process.env.BENCH_PANEL_MBIT ?? 10);
    if (panelIsStale()) {
      log('building the panel');
      await buildPanel();
    }
    const app = createServer({
      database,
      config: loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent' }),
      logger: createLogger('silent'),
      policy: await loadPolicy(database.db),
      signingKey: generateSigningKey(),
    });
    const http = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const browser = await chromium.launch({ executablePath: await chromiumPath(), args: CHROMIUM_ARGS });
    try {
      const first = await loadLogin(browser, base);
      log(`first load of a fresh Chromium (not counted): ${first.ms.toFixed(0)} ms`);
      const measure = async (label: string, link?: number) => {
        const loads: Load[] = [];
        for (let i = 0; i < runs; i++) {
          const load = await loadLogin(browser, base, link);
          loads.push(load);
          const by = Object.entries(load.encodings)
            .map(([e, b]) => `${e} ${(b / 1024).toFixed(0)} kB`)
            .join(', ');
          log(`${label} run ${i + 1}: ${load.ms.toFixed(0)} ms to the login form, ${(load.bytes / 1024).toFixed(0)} kB (${by}), ${load.chunks} scripts`);
        }
        const s = summary(loads);
        log(`${label} median of ${runs}: ${s.ms.toFixed(0)} ms, ${s.kb.toFixed(0)} kB, ${s.chunks} scripts`);
        return s;
      };
      const local = await measure('127.0.0.1');
      const slow = await measure(`${mbit} Mbit/s`, mbit);
      return {
        bench: 'panel-load',
        login_kb: Math.round(local.kb),
        login_ms: Math.round(local.ms),
        chunks: local.chunks,
        [`login_ms_${mbit}mbit`]: Math.round(slow.ms),
        runs,
      };
    } finally {
      await browser.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  },
};
