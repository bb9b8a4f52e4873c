/**
 * In its own process so it does not share the server's event loop; every latency is recorded
 * (autocannon's summary has no p95).
 *
 *   tsx bench/api-load.ts '{"url":"…","seconds":10,"connections":10,"headers":{…}}'
 */
import autocannon from 'autocannon';
import { z } from 'zod';

const argsSchema = z.object({
  url: z.url(),
  seconds: z.number().int().min(1),
  connections: z.number().int().min(1),
  headers: z.record(z.string(), z.string()).default({}),
});

const args = argsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const latencies: number[] = [];
const statuses = new Map<number, number>();

const instance = autocannon({ url: args.url, duration: args.seconds, connections: args.connections, headers: args.headers });
instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
  latencies.push(responseTime);
  statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
});
const result = await instance;
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(q * latencies.length) - 1))] ?? NaN;
console.log(
  JSON.stringify({
    requests: latencies.length,
    rps: latencies.length / args.seconds,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: latencies.at(-1) ?? NaN,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statuses: Object.fromEntries(statuses),
  }),
);
