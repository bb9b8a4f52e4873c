import { createPrivateKey } from 'node:crypto';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

/** The only place that reads process.env. */
const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** No URL: embedded PGlite in DATA_DIR. A URL: a PostgreSQL server through postgres.js. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * How long a request waits for the database server before it is told "temporarily
   * unavailable" (503): the connect timeout, the wait for a free connection and /health's budget.
   */
  DATABASE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, 'looks like 123456:ABC-DEF…').optional(),
  BOT_MODE: z.enum(['polling', 'webhook']).default('polling'),
  BOT_WEBHOOK_SECRET: z.string().regex(/^[\w-]{16,256}$/).optional(),
  TELEGRAM_API_ROOT: z.url().optional(),
  NOTIFY_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /** Telegram allows about 30 per bot. */
  NOTIFY_RATE_PER_SECOND: z.coerce.number().positive().max(30).default(28),
  PUBLIC_URL: z.url().optional(),
  /**
   * Who may set the client's address through X-Forwarded-For: a hop count or a list of proxies.
   * Unset: the socket's address counts, so nobody can pick the address the throttles see.
   */
  TRUST_PROXY: z
    .string()
    .refine(isTrustProxy, 'a hop count, or a comma-separated list of addresses, CIDRs, loopback, linklocal, uniquelocal')
    .optional(),
  SIGN_IN_DELAY_BASE_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  SIGN_IN_DELAY_MAX_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  STAFF_SESSION_MAX_HOURS: z.coerce.number().min(0.01).max(24).default(9),
  STAFF_SESSION_IDLE_MINUTES: z.coerce.number().min(1).max(24 * 60).default(30),
  VERIFY_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(30),
  RUN: z
    .string()
    .default('http,bot,workers')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['http', 'bot', 'workers'])).min(1)),
  /**
   * Base64 PKCS#8 DER or PEM. Without it a key is generated and kept in signing_keys: then
   * whoever reads the database could forge referrals, so production sets it.
   */
  SIGNING_KEY: z
    .string()
    .refine(isEd25519PrivateKey, 'must be an Ed25519 private key: base64 of the PKCS#8 DER, or a PEM')
    .optional(),
});

function isTrustProxy(value: string): boolean {
  if (/^\d+$/.test(value)) return true;
  try {
    proxyaddr.compile(trustList(value));
    return true;
  } catch {
    return false;
  }
}

export function trustList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function isEd25519PrivateKey(value: string): boolean {
  try {
    const key = value.includes('-----BEGIN')
      ? createPrivateKey(value)
      : createPrivateKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'pkcs8' });
    return key.asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings in .env files mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return parsed.data;
}

export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}
