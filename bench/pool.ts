/**
 * A pool must hold its rate for as long as the load lasts. postgres.js 3.4.9 as published did not:
 * each query cost more than the one before. patches/postgres+3.4.9.patch fixes it; this case shows
 * whether a fix is in place.
 */
import type { BenchCase } from './index.ts';

const IN_FLIGHT = 16;
const WINDOWS = 4;
const WINDOW_MS = 5_000;

export const poolCase: BenchCase = {
  name: 'pool',
  description: 'the postgres.js pool at 16 queries in flight for 20 s: the rate must not fall from window to window',
  async run({ sql, log }) {
    const rates: number[] = [];
    for (let w = 1; w <= WINDOWS; w++) {
      let done = 0;
      const started = performance.now();
      const end = started + WINDOW_MS;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (performance.now() < end) {
            await sql`select 1`;
            done++;
          }
        }),
      );
      const rate = Math.round(done / ((performance.now() - started) / 1000));
      rates.push(rate);
      log(`window ${w}: ${rate} queries/s (pool ${sql.options.max} connections, ${IN_FLIGHT} in flight)`);
    }
    const first = rates[0]!;
    const last = rates[rates.length - 1]!;
    return { bench: 'pool', first_window_qps: first, last_window_qps: last, last_to_first: +(last / first).toFixed(3) };
  },
};
