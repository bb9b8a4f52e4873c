import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

/**
 * The only place that reads process.env. Everything else receives a Config.
 * Validated once at start-up; a bad value stops the process with a field-by-field message.
 */
const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** No URL: embedded PGlite in DATA_DIR. A URL: a PostgreSQL server through postgres.js. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seed demo data automatically when the database is empty (on by default for `npm start`). */
  SEED_DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, 'looks like 123456:ABC-DEF…').optional(),
  BOT_MODE: z.enum(['polling', 'webhook']).default('polling'),
  BOT_WEBHOOK_SECRET: z.string().regex(/^[\w-]{16,256}$/).optional(),
  TELEGRAM_API_ROOT: z.url().optional(),
  /**
   * A notification claimed by a worker that then stops (crash, lost database) is taken back by
   * any running worker after this long; a live worker renews its claims well within it.
   */
  NOTIFY_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /** Notifications per second all notifier workers together send (Telegram allows about 30 per bot). */
  NOTIFY_RATE_PER_SECOND: z.coerce.number().positive().max(30).default(28),
  PUBLIC_URL: z.url().optional(),
  /** Comma-separated list of process parts to run: http, bot, workers. */
  RUN: z
    .string()
    .default('http,bot,workers')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['http', 'bot', 'workers'])).min(1)),
  /**
   * Ed25519 private key that signs referrals: base64 of the PKCS#8 DER (or a PEM). Without it
   * the service generates a key once and keeps it in the signing_keys table (fine for a demo,
   * not for production: whoever reads the database could then forge referrals).
   */
  SIGNING_KEY: z
    .string()
    .refine(isEd25519PrivateKey, 'must be an Ed25519 private key: base64 of the PKCS#8 DER, or a PEM')
    .optional(),
});

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

/** For entry points: the config, or the field errors on stderr and exit code 2. */
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
