/**
 * The referral's QR code, read back from the rendered PDF like a phone would read the paper:
 * it holds exactly the public verification URL of that referral, in both languages, whatever
 * trailing slash PUBLIC_URL was configured with.
 */
import { describe, expect, it } from 'vitest';
import { verificationUrl, type ReferralDocumentData } from '../../core/document-data.ts';
import { renderReferralPdf } from '../../core/documents-pdf.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { decodeQr, pdfImages, pdfQrCodes } from '../support/pdf-image.ts';
import { flatText } from '../support/pdf-text.ts';

function referral(number: string, verifyUrl: string): ReferralDocumentData {
  return {
    referralId: 41,
    number,
    status: 'issued',
    applicationNumber: '2026-0004172',
    language: 'kk',
    child: { iin: '230415600123', fullName: 'Сейітқали Айсұлу Ерланқызы', birthDate: '2023-04-15' },
    homeAddress: 'Алматы, Абай даңғылы, 10, 5',
    locality: { kk: 'Алматы қаласы', ru: 'город Алматы' },
    district: { kk: 'Алмалы ауданы', ru: 'Алмалинский район', code: 'ALM' },
    kindergarten: {
      number: 112,
      name: { kk: '№ 112 «Ақбота» балабақшасы', ru: 'Детский сад № 112 «Акбота»' },
      address: { kk: 'Төле би көшесі, 155', ru: 'ул. Толе би, 155' },
    },
    group: { name: 'Ортаңғы топ', birthYear: 2023, language: 'kk' },
    issuedAt: new Date('2026-03-02T05:00:00Z'),
    presentBy: new Date('2026-03-10T18:59:59.999Z'),
    extendedUntil: null,
    signature: null,
    verifyToken: verifyUrl.split('/').pop()!,
    verifyUrl,
  };
}

describe('the referral QR code', () => {
  it.each([
    ['kk', 'https://balabaqsha.example.kz/', '0f3a9c51d2e84b7a9c6d1e2f3a4b5c6d'],
    ['ru', 'https://balabaqsha.example.kz', 'a1b2c3d4e5f60718293a4b5c6d7e8f90'],
    ['kk', 'http://10.0.0.5:8080/', 'ffffffffffffffffffffffffffffffff'],
  ] as const)('%s, PUBLIC_URL %s: holds exactly the verification URL of token %s', async (lang, publicUrl, token) => {
    const url = verificationUrl({ PUBLIC_URL: publicUrl, PORT: 3000 }, token);
    expect(url).toBe(`${publicUrl.replace(/\/$/, '')}/verify/${token}`);
    const pdf = await renderReferralPdf(referral('2026-000123', url), lang, { policy: defaultPolicy });
    // One image on the page, and it is the QR code.
    expect(pdfImages(pdf)).toHaveLength(1);
    expect(pdfQrCodes(pdf)).toEqual([url]);
    // The same address is printed beside it for people without a phone.
    expect(flatText(pdf)).toContain(url);
  });

  it('reads nothing from an image that is not a QR code (the decoder is not fooled by white paper)', async () => {
    const [image] = pdfImages(await renderReferralPdf(referral('2026-000124', 'https://balabaqsha.example.kz/verify/2026-000124'), 'kk', { policy: defaultPolicy }));
    expect(image!.width).toBeGreaterThan(100);
    // The modules are really there: a good share of the pixels are dark.
    const dark = image!.rgba.filter((v, i) => i % 4 === 0 && v < 128).length;
    expect(dark / (image!.width * image!.height)).toBeGreaterThan(0.3);
    expect(decodeQr({ ...image!, rgba: new Uint8ClampedArray(image!.rgba.length).fill(255) })).toBeNull();
  });
});
