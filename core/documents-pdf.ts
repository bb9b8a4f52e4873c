/** DejaVu Sans carries every Kazakh letter; the standard PDF fonts do not. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { i18n, TFunction } from 'i18next';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { createI18n } from '../locales/index.ts';
import { localDate } from './calendar.ts';
import { workingDaysBetween } from './working-days.ts';
import { formatDate, formatDay, formatTime } from './format.ts';
import type { Bilingual, Language, NoticeData, ReferralDocumentData } from './document-data.ts';
import type { Policy } from './policy.ts';
import { parseSignature } from './signing.ts';

const require = createRequire(import.meta.url);
const fontFile = (name: string) => require.resolve(`dejavu-fonts-ttf/ttf/${name}.ttf`);

let fonts: { regular: Buffer; bold: Buffer; mono: Buffer } | undefined;
function loadFonts() {
  fonts ??= {
    regular: readFileSync(fontFile('DejaVuSans')),
    bold: readFileSync(fontFile('DejaVuSans-Bold')),
    mono: readFileSync(fontFile('DejaVuSansMono')),
  };
  return fonts;
}

let sharedI18n: Promise<i18n> | undefined;
const defaultI18n = () => (sharedI18n ??= createI18n());

export interface RenderOptions {
  policy: Pick<Policy, 'provider' | 'legalBasis'>;
  i18n?: i18n;
  now?: Date;
}

/** "2026 жылғы «2» наурыз" / "«2» марта 2026 г." for an Almaty day 'YYYY-MM-DD'. */
export function formatLongDay(t: TFunction, day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return t('documents.longDate', { year, day: date, month: t(`documents.months.${month}`) });
}

/** "02.03.2026, 14:05" in Almaty time (the comma or word between them is the language's). */
export function formatDateTime(t: TFunction, instant: Date): string {
  return t('documents.dateTime', { date: formatDate(instant), time: formatTime(instant) });
}

const MARGIN = { top: 50, bottom: 50, left: 60, right: 55 };
const GREY = '#555555';
const RULE = '#bbbbbb';

type Doc = PDFKit.PDFDocument;

function newDocument(lang: Language, title: string, now: Date): { doc: Doc; done: Promise<Buffer> } {
  const f = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    lang: lang === 'kk' ? 'kk-KZ' : 'ru-RU',
    displayTitle: true,
    info: { Title: title, Creator: 'Balabaqsha', CreationDate: now },
    // A font of our own from the start: the default Helvetica has no Kazakh (or Cyrillic) glyphs.
    font: fontFile('DejaVuSans'),
  });
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  doc.registerFont('mono', f.mono);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

const contentWidth = (doc: Doc) => doc.page.width - MARGIN.left - MARGIN.right;

function appendixNote(doc: Doc, text: string): void {
  const width = 250;
  doc.font('regular').fontSize(7.5).fillColor(GREY);
  doc.text(text, doc.page.width - MARGIN.right - width, MARGIN.top, { width, align: 'right' });
  doc.fillColor('black');
  doc.x = MARGIN.left;
  doc.moveDown(1.5);
}

function centered(doc: Doc, text: string, font: 'regular' | 'bold', size: number, gapAfter = 0.3): void {
  doc.font(font).fontSize(size).text(text, MARGIN.left, doc.y, { width: contentWidth(doc), align: 'center' });
  doc.moveDown(gapAfter);
}

function paragraph(
  doc: Doc,
  text: string,
  options: { size?: number; gapAfter?: number; font?: 'regular' | 'bold'; align?: 'left' | 'justify' } = {},
): void {
  doc.font(options.font ?? 'regular').fontSize(options.size ?? 11).fillColor('black');
  doc.text(text, MARGIN.left, doc.y, { width: contentWidth(doc), align: options.align ?? 'justify', lineGap: 2 });
  doc.moveDown(options.gapAfter ?? 0.6);
}

function field(doc: Doc, label: string, value: string, options: { labelWidth?: number; rule?: boolean } = {}): void {
  const labelWidth = options.labelWidth ?? 200;
  const gap = 10;
  const top = doc.y;
  doc.font('regular').fontSize(10).fillColor(GREY).text(label, MARGIN.left, top, { width: labelWidth });
  const labelBottom = doc.y;
  doc.font('bold').fontSize(11).fillColor('black');
  doc.text(value, MARGIN.left + labelWidth + gap, top, { width: contentWidth(doc) - labelWidth - gap });
  const bottom = Math.max(labelBottom, doc.y) + 4;
  if (options.rule) {
    doc.moveTo(MARGIN.left, bottom).lineTo(MARGIN.left + contentWidth(doc), bottom).lineWidth(0.5).strokeColor(RULE).stroke();
  }
  doc.x = MARGIN.left;
  doc.y = bottom + 5;
}

function hr(doc: Doc, y: number): void {
  doc.moveTo(MARGIN.left, y).lineTo(MARGIN.left + contentWidth(doc), y).lineWidth(0.5).strokeColor(RULE).stroke();
}

const pick = (value: Bilingual, lang: Language) => value[lang];

/** The body's name stands alone: a setting cannot take a case ending. */
function signatureBlock(doc: Doc, body: string, role: string, caption: string, stamp: string): void {
  const width = contentWidth(doc);
  doc.font('regular').fontSize(11).fillColor('black').text(body, MARGIN.left, doc.y, { width: width * 0.6 });
  doc.moveDown(0.8);
  const lineY = doc.y;
  doc.text(role, MARGIN.left, lineY, { width: width * 0.45 });
  const signX = MARGIN.left + width * 0.5;
  doc.moveTo(signX, lineY + 12).lineTo(MARGIN.left + width, lineY + 12).lineWidth(0.5).strokeColor('black').stroke();
  doc.font('regular').fontSize(8).fillColor(GREY).text(caption, signX, lineY + 15, { width: width * 0.5, align: 'center' });
  doc.fillColor('black').fontSize(11).text(stamp, MARGIN.left, lineY + 40);
  doc.x = MARGIN.left;
}

/** The verification code is an Ed25519 signature of our own, not an ЭЦҚ/ЭЦП. */
export async function renderReferralPdf(data: ReferralDocumentData, lang: Language, options: RenderOptions): Promise<Buffer> {
  if (!data.number || !data.issuedAt || !data.verifyUrl) throw new Error(`referral ${data.referralId} is not issued`);
  const t = (options.i18n ?? (await defaultI18n())).getFixedT(lang);
  const now = options.now ?? new Date();
  const qr = await QRCode.toBuffer(data.verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 0, scale: 8 });
  const { doc, done } = newDocument(lang, t('documents.referral.documentTitle', { number: data.number }), now);

  appendixNote(doc, pick(options.policy.legalBasis.referral, lang));
  centered(doc, t('documents.place', { locality: pick(data.locality, lang), district: pick(data.district, lang) }), 'regular', 10, 1.2);
  if (lang === 'kk') {
    centered(doc, t('documents.referral.heading'), 'regular', 12, 0.2);
    centered(doc, t('documents.referral.title', { number: data.number }), 'bold', 17, 1.4);
  } else {
    // Russian puts the document's name first: «НАПРАВЛЕНИЕ № … для приема ребенка …».
    centered(doc, t('documents.referral.title', { number: data.number }), 'bold', 17, 0.2);
    centered(doc, t('documents.referral.heading'), 'regular', 12, 1.4);
  }

  paragraph(
    doc,
    t('documents.referral.body', {
      provider: pick(options.policy.provider, lang),
      locality: pick(data.locality, lang),
      address: pick(data.kindergarten.address, lang),
      kindergarten: data.kindergarten.number,
      name: pick(data.kindergarten.name, lang),
    }),
    { gapAfter: 1 },
  );

  field(doc, t('documents.referral.childName'), data.child.fullName, { rule: true });
  field(doc, t('documents.referral.birthDate'), formatDay(data.child.birthDate), { rule: true });
  field(doc, t('documents.referral.homeAddress'), data.homeAddress ?? '—', { rule: true });
  field(
    doc,
    t('documents.referral.group'),
    t('documents.referral.groupValue', { year: data.group.birthYear, language: t(`documents.instructionLanguage.${data.group.language}`) }),
    { rule: true },
  );
  field(doc, t('documents.referral.applicationNumber'), data.applicationNumber, { rule: true });
  doc.moveDown(0.6);

  if (data.presentBy) {
    const days = workingDaysBetween(localDate(data.issuedAt), localDate(data.presentBy));
    paragraph(doc, t('documents.referral.presentBy', { count: days, date: formatDate(data.presentBy) }), { gapAfter: 0.3 });
  }
  if (data.extendedUntil) {
    paragraph(doc, t('documents.referral.extended', { date: formatDate(data.extendedUntil) }), {
      gapAfter: 0.3,
      font: 'bold',
    });
  }
  doc.moveDown(0.6);
  doc.font('regular').fontSize(11).text(t('documents.referral.issued', { date: formatLongDay(t, localDate(data.issuedAt)) }), MARGIN.left, doc.y);
  doc.moveDown(2.2);

  const width = contentWidth(doc);
  signatureBlock(doc, pick(options.policy.provider, lang), t('documents.referral.head'), t('documents.referral.headSignature'), t('documents.referral.stamp'));

  const qrSize = 92;
  const blockTop = Math.max(doc.y + 24, doc.page.height - MARGIN.bottom - qrSize - 12);
  hr(doc, blockTop);
  const top = blockTop + 12;
  doc.image(qr, MARGIN.left, top, { width: qrSize, height: qrSize });
  const textX = MARGIN.left + qrSize + 14;
  const textWidth = width - qrSize - 14;
  doc.font('regular').fontSize(8.5).fillColor(GREY).text(t('documents.referral.verify'), textX, top, { width: textWidth });
  doc.moveDown(0.2);
  doc.font('regular').fontSize(9).fillColor('#0b4f9c').text(data.verifyUrl, textX, doc.y, { width: textWidth, link: data.verifyUrl });
  doc.moveDown(0.5);
  const parsed = data.signature ? parseSignature(data.signature) : null;
  doc.font('regular').fontSize(7.5).fillColor(GREY);
  if (data.signature && parsed) {
    doc.text(t('documents.referral.signature', { kid: parsed.kid }), textX, doc.y, { width: textWidth });
    doc.font('mono').fontSize(7).fillColor('black').text(data.signature, textX, doc.y + 1, { width: textWidth, lineBreak: true });
  } else {
    doc.text(t('documents.referral.unsigned'), textX, doc.y, { width: textWidth });
  }
  doc.end();
  return done;
}

export async function renderRegistrationNoticePdf(data: NoticeData, lang: Language, options: RenderOptions): Promise<Buffer> {
  const t = (options.i18n ?? (await defaultI18n())).getFixedT(lang);
  const now = options.now ?? data.positionAt;
  const { doc, done } = newDocument(lang, t('documents.notice.documentTitle', { number: data.applicationNumber }), now);
  const place = t('documents.place', { locality: pick(data.locality, lang), district: pick(data.district, lang) });

  appendixNote(doc, pick(options.policy.legalBasis.notice, lang));
  centered(doc, place, 'regular', 10, 1.2);
  centered(doc, t('documents.notice.title'), 'bold', 16, 1.4);

  const registeredDay = formatLongDay(t, localDate(data.registeredAt));
  paragraph(
    doc,
    `${t('documents.notice.given', { parent: data.applicantName, child: data.child.fullName })} ${t('documents.notice.registered', {
      date: registeredDay,
      queueNumber: data.queueNumber,
    })}`,
    // Names make the lines uneven: justified, the first line would gape.
    { align: 'left' },
  );
  paragraph(doc, t('documents.notice.tracking'));
  paragraph(doc, t('documents.notice.trackingBot'), { gapAfter: 1.2 });

  doc.font('bold').fontSize(12).text(t('documents.notice.details'), MARGIN.left, doc.y);
  doc.moveDown(0.4);
  hr(doc, doc.y);
  doc.y += 6;
  const rows: [string, string][] = [
    [t('documents.notice.applicationNumber'), data.applicationNumber],
    [t('documents.notice.registeredAt'), formatDateTime(t, data.registeredAt)],
    [t('documents.notice.queueNumber'), String(data.queueNumber)],
    [
      t('documents.notice.queue'),
      t('documents.notice.queueValue', {
        place,
        year: data.birthYear,
        language: t(`documents.instructionLanguage.${data.queueLanguage}`),
      }),
    ],
    [
      t('documents.notice.kindergartens'),
      // Names carry their number already («№ 112 "Балапан" балабақшасы»).
      data.kindergartens.map((k) => pick(k.name, lang)).join('\n'),
    ],
    [
      t('documents.notice.position', { date: formatDateTime(t, data.positionAt) }),
      data.position === null ? t('documents.notice.positionNone') : String(data.position),
    ],
  ];
  for (const [label, value] of rows) field(doc, label, value, { rule: true });
  doc.moveDown(0.3);
  doc.font('regular').fontSize(9).fillColor(GREY).text(t('documents.notice.positionNote'), MARGIN.left, doc.y, { width: contentWidth(doc) });
  doc.fillColor('black');
  doc.moveDown(2);

  const width = contentWidth(doc);
  signatureBlock(doc, pick(options.policy.provider, lang), t('documents.notice.specialist'), t('documents.referral.headSignature'), t('documents.referral.stamp'));

  // In the bottom margin: pdfkit starts a new page for text below the margin unless it is lifted.
  doc.page.margins.bottom = 0;
  doc.font('regular').fontSize(7.5).fillColor(GREY);
  doc.text(t('documents.notice.generatedAt', { date: formatDateTime(t, now) }), MARGIN.left, doc.page.height - MARGIN.bottom, {
    width,
    lineBreak: false,
  });
  doc.end();
  return done;
}

/** File names for sending and downloading (Latin letters only: some clients mangle others). */
export async function documentFileName(
  kind: 'referral' | 'notice',
  number: string,
  lang: Language,
  options: Pick<RenderOptions, 'i18n'> = {},
): Promise<string> {
  const t = (options.i18n ?? (await defaultI18n())).getFixedT(lang);
  return t(`documents.${kind}.fileName`, { number: number.replace(/[^\w-]/g, '_') });
}
