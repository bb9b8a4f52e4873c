/** Staff passwords at rest, and the one-time passwords staff are given. */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's recommended minimum. @node-rs/argon2's default algorithm is argon2id; its
 * Algorithm enum is a const enum isolatedModules cannot import.
 */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed hash never matches.
    return false;
  }
}

/** A password given to a person once (first admin, new accounts, resets); they must change it. */
export function oneTimePassword(): string {
  return randomBytes(18).toString('base64url');
}
