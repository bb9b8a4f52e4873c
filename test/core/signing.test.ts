import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import {
  canonicalJson,
  generateSigningKey,
  keyId,
  parsePrivateKey,
  parseSignature,
  signReferral,
  verifyReferralSignature,
  type ReferralContent,
} from '../../core/signing.ts';

const content = (): ReferralContent => ({
  v: 1,
  number: '2026-000123',
  applicationNumber: '2026-0001234',
  child: { iin: '230415600123', fullName: 'Сейітқали Айсұлу Ерланқызы', birthDate: '2023-04-15' },
  kindergarten: { number: 112, districtCode: '751110000' },
  group: { birthYear: 2023, language: 'kk' },
  issuedAt: new Date('2026-03-02T05:00:00Z'),
  presentBy: new Date('2026-03-10T18:59:59.999Z'),
  extendedUntil: null,
});

/** The same object with its keys in reverse order at every level. */
function reversed<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof Date || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  ) as T;
}

describe('canonical content', () => {
  it('is sorted-key JSON with ISO instants and nulls, exactly as documented', () => {
    expect(canonicalJson(content())).toBe(
      '{"applicationNumber":"2026-0001234",' +
        '"child":{"birthDate":"2023-04-15","fullName":"Сейітқали Айсұлу Ерланқызы","iin":"230415600123"},' +
        '"extendedUntil":null,"group":{"birthYear":2023,"language":"kk"},"issuedAt":"2026-03-02T05:00:00.000Z",' +
        '"kindergarten":{"districtCode":"751110000","number":112},"number":"2026-000123",' +
        '"presentBy":"2026-03-10T18:59:59.999Z","v":1}',
    );
  });

  it('does not depend on the order of keys or on the Unicode form of names', () => {
    const c = content();
    const shuffled = reversed(c);
    expect(Object.keys(shuffled)[0]).toBe('extendedUntil');
    expect(canonicalJson(shuffled)).toBe(canonicalJson(c));
    // A name typed elsewhere in decomposed form (е + combining breve for й…) signs the same.
    const decomposed = { ...c, child: { ...c.child, fullName: c.child.fullName.normalize('NFD') } };
    expect(decomposed.child.fullName).not.toBe(c.child.fullName);
    expect(canonicalJson(decomposed)).toBe(canonicalJson(c));
  });

  it('refuses values it cannot represent stably', () => {
    expect(() => canonicalJson({ at: new Date(Number.NaN) })).toThrow(TypeError);
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});

describe('referral signatures', () => {
  const key = generateSigningKey();

  it('verifies what it signed, stored as "<kid>.<base64url>"', () => {
    const signature = signReferral(content(), key);
    expect(signature).toMatch(/^[0-9a-f]{16}\.[A-Za-z0-9_-]{86}$/);
    expect(parseSignature(signature)?.kid).toBe(key.kid);
    expect(key.kid).toBe(keyId(key.publicKey));
    expect(verifyReferralSignature(content(), signature, key.publicKey)).toBe(true);
    // Key order of the content being checked does not matter either.
    expect(verifyReferralSignature(reversed(content()), signature, key.publicKey)).toBe(true);
  });

  const tamperings: [string, (c: ReferralContent) => void][] = [
    ['referral number', (c) => (c.number = '2026-000124')],
    ['application number', (c) => (c.applicationNumber = '2026-0001235')],
    ['child IIN', (c) => (c.child.iin = '230415600124')],
    ['child name', (c) => (c.child.fullName = 'Сейітқали Айсулу Ерланқызы')],
    ['birth date', (c) => (c.child.birthDate = '2023-04-16')],
    ['kindergarten', (c) => (c.kindergarten.number = 113)],
    ['district', (c) => (c.kindergarten.districtCode = '751210000')],
    ['group year', (c) => (c.group.birthYear = 2022)],
    ['group language', (c) => (c.group.language = 'ru')],
    ['issue time', (c) => (c.issuedAt = new Date('2026-03-02T05:00:00.001Z'))],
    ['present-by date', (c) => (c.presentBy = new Date('2026-03-11T18:59:59.999Z'))],
    ['extension', (c) => (c.extendedUntil = new Date('2026-04-09T18:59:59.999Z'))],
  ];
  it.each(tamperings)('rejects the signature when the %s changes', (_, tamper) => {
    const signature = signReferral(content(), key);
    const changed = content();
    tamper(changed);
    expect(verifyReferralSignature(changed, signature, key.publicKey)).toBe(false);
  });

  it('rejects a signature checked with another key, or relabelled with another kid', () => {
    const other = generateSigningKey();
    const signature = signReferral(content(), key);
    expect(verifyReferralSignature(content(), signature, other.publicKey)).toBe(false);
    const relabelled = `${other.kid}.${signature.split('.')[1]}`;
    expect(verifyReferralSignature(content(), relabelled, other.publicKey)).toBe(false);
    expect(verifyReferralSignature(content(), relabelled, key.publicKey)).toBe(false);
  });

  it('rejects malformed signatures without throwing', () => {
    const signature = signReferral(content(), key);
    for (const bad of ['', 'abc', signature.split('.')[1]!, `${key.kid}.`, `${signature}x`, signature.replace(/.$/, '!')]) {
      expect(verifyReferralSignature(content(), bad, key.publicKey)).toBe(false);
    }
    // A flipped last character decodes to other bytes: a clean "no".
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
    expect(verifyReferralSignature(content(), flipped, key.publicKey)).toBe(false);
  });
});

describe('the SIGNING_KEY setting', () => {
  const key = generateSigningKey();
  const der = key.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
  const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('takes base64 PKCS#8 DER or PEM and yields the same key', () => {
    expect(loadConfig({ SIGNING_KEY: der }).SIGNING_KEY).toBe(der);
    expect(keyId(createPublicKey(parsePrivateKey(der)))).toBe(key.kid);
    expect(keyId(createPublicKey(parsePrivateKey(pem)))).toBe(key.kid);
  });

  it('rejects anything that is not an Ed25519 private key, naming the field', () => {
    expect(() => loadConfig({ SIGNING_KEY: 'not a key' })).toThrow(/SIGNING_KEY/);
    const publicDer = key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(() => loadConfig({ SIGNING_KEY: publicDer })).toThrow(/SIGNING_KEY/);
  });

  it('is optional', () => {
    expect(loadConfig({}).SIGNING_KEY).toBeUndefined();
  });
});
