/**
 * Referral signatures (appendix 3): Ed25519 over canonical JSON of what the referral says, so a
 * changed row no longer verifies. The child's identity is signed (never shown) so a referral cannot
 * be moved to another child. The status and home address are not signed: they change.
 * Canonical form: keys sorted at every level, no whitespace, NFC strings, ISO UTC instants.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { signingKeys } from '../db/schema/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

export const REFERRAL_CONTENT_VERSION = 1;

export interface ReferralContent {
  v: typeof REFERRAL_CONTENT_VERSION;
  number: string;
  applicationNumber: string;
  child: { iin: string; fullName: string; birthDate: string };
  kindergarten: { number: number; districtCode: string };
  group: { birthYear: number; language: string };
  issuedAt: Date;
  presentBy: Date | null;
  extendedUntil: Date | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function canonicalValue(value: unknown, path: string): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`${path}: invalid date`);
    return value.toISOString();
  }
  switch (typeof value) {
    case 'string':
      return value.normalize('NFC');
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: not a finite number`);
      return value;
    case 'object': {
      if (Array.isArray(value)) return value.map((v, i) => canonicalValue(v, `${path}[${i}]`));
      const out: { [key: string]: Json } = {};
      // Sorting by UTF-16 code unit (the default sort) is the same on every runtime.
      for (const key of Object.keys(value).sort()) out[key] = canonicalValue((value as Record<string, unknown>)[key], `${path}.${key}`);
      return out;
    }
    default:
      throw new TypeError(`${path}: cannot sign a ${typeof value}`);
  }
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value, '$'));
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  source: 'config' | 'database';
}

/** Key id: the first 16 hex digits of SHA-256 over the public key's SPKI DER. */
export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function keyFromPrivate(privateKey: KeyObject, source: SigningKey['source']): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('signing key must be Ed25519');
  const publicKey = createPublicKey(privateKey);
  return { kid: keyId(publicKey), privateKey, publicKey, source };
}

export function parsePrivateKey(value: string): KeyObject {
  return value.includes('-----BEGIN')
    ? createPrivateKey(value)
    : createPrivateKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'pkcs8' });
}

export function generateSigningKey(): SigningKey {
  return keyFromPrivate(generateKeyPairSync('ed25519').privateKey, 'database');
}

export function signReferral(content: ReferralContent, key: SigningKey): string {
  const signature = sign(null, Buffer.from(canonicalJson(content), 'utf8'), key.privateKey);
  return `${key.kid}.${signature.toString('base64url')}`;
}

export function parseSignature(stored: string): { kid: string; signature: Buffer } | null {
  const m = /^([0-9a-f]{16})\.([A-Za-z0-9_-]{86})$/.exec(stored);
  if (!m) return null;
  return { kid: m[1]!, signature: Buffer.from(m[2]!, 'base64url') };
}

/** The kid must match the key. */
export function verifyReferralSignature(content: ReferralContent, signature: string, publicKey: KeyObject): boolean {
  const parsed = parseSignature(signature);
  if (!parsed || publicKey.asymmetricKeyType !== 'ed25519' || parsed.kid !== keyId(publicKey)) return false;
  return verify(null, Buffer.from(canonicalJson(content), 'utf8'), publicKey, parsed.signature);
}

const toBase64 = (key: KeyObject, type: 'spki' | 'pkcs8') => key.export({ type, format: 'der' }).toString('base64');

/** Without SIGNING_KEY, a generated key from signing_keys; an advisory lock makes concurrent first starts agree. */
export async function loadSigningKey(
  db: Queryable,
  config: Pick<Config, 'SIGNING_KEY'>,
  logger?: Pick<Logger, 'warn'>,
): Promise<SigningKey> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('signing_keys'))`);
    if (config.SIGNING_KEY) {
      const key = keyFromPrivate(parsePrivateKey(config.SIGNING_KEY), 'config');
      const [known] = await tx.select().from(signingKeys).where(eq(signingKeys.kid, key.kid));
      if (!known?.active) {
        await tx.update(signingKeys).set({ active: 0 }).where(eq(signingKeys.active, 1));
        await tx
          .insert(signingKeys)
          .values({ kid: key.kid, publicKey: toBase64(key.publicKey, 'spki'), privateKey: null, active: 1 })
          .onConflictDoUpdate({ target: signingKeys.kid, set: { active: 1 } });
      }
      return key;
    }
    logger?.warn('SIGNING_KEY is not set: referrals are signed with a key kept in the database; set SIGNING_KEY in production');
    const [active] = await tx.select().from(signingKeys).where(eq(signingKeys.active, 1));
    if (active?.privateKey) return keyFromPrivate(parsePrivateKey(active.privateKey), 'database');
    // The active key came from a SIGNING_KEY that is no longer set: fall back to a generated one.
    await tx.update(signingKeys).set({ active: 0 }).where(eq(signingKeys.active, 1));
    const key = generateSigningKey();
    await tx.insert(signingKeys).values({
      kid: key.kid,
      publicKey: toBase64(key.publicKey, 'spki'),
      privateKey: toBase64(key.privateKey, 'pkcs8'),
      active: 1,
    });
    return key;
  });
}

export async function publicKeyFor(
  db: Queryable,
  kid: string,
  config: Pick<Config, 'SIGNING_KEY'>,
): Promise<KeyObject | null> {
  if (config.SIGNING_KEY) {
    const own = createPublicKey(parsePrivateKey(config.SIGNING_KEY));
    if (keyId(own) === kid) return own;
  }
  const [row] = await db.select({ publicKey: signingKeys.publicKey }).from(signingKeys).where(eq(signingKeys.kid, kid));
  if (!row) return null;
  const key = createPublicKey({ key: Buffer.from(row.publicKey, 'base64'), format: 'der', type: 'spki' });
  // A row whose key does not hash to its kid was tampered with: trust nothing it says.
  return keyId(key) === kid ? key : null;
}

export async function verifyStoredSignature(
  db: Queryable,
  content: ReferralContent,
  stored: string | null,
  config: Pick<Config, 'SIGNING_KEY'>,
): Promise<boolean> {
  if (!stored) return false;
  const parsed = parseSignature(stored);
  if (!parsed) return false;
  const publicKey = await publicKeyFor(db, parsed.kid, config);
  return publicKey !== null && verifyReferralSignature(content, stored, publicKey);
}
