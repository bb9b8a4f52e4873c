import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyRoutes } from '../../admin/server/verify.ts';
import { submitApplication } from '../../core/applications.ts';
import { localDate } from '../../core/calendar.ts';
import { loadConfig, type Config } from '../../core/config.ts';
import {
  checkReferral,
  loadNoticeData,
  loadReferralDocumentData,
  referralContentOf,
  signReferralRecord,
} from '../../core/document-data.ts';
import { renderReferralPdf, renderRegistrationNoticePdf } from '../../core/documents-pdf.ts';
import { defaultPolicy, policySchema } from '../../core/policy.ts';
import { generateSigningKey, loadSigningKey, publicKeyFor, signReferral, type SigningKey } from '../../core/signing.ts';
import type { Application } from '../../core/status.ts';
import type { Database } from '../../db/client.ts';
import { applicants, children, groups, referrals, signingKeys } from '../../db/schema/index.ts';
import { backend, openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { flatText, pdfText } from '../support/pdf-text.ts';
import { testLogger } from '../support/logger.ts';

const parent = { type: 'parent', id: null } as const;
const KAZAKH_LETTERS = ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'і'];
// Written out here rather than read from locales/: the test checks the documents against the forms.
const KK_MONTHS = ['қаңтар', 'ақпан', 'наурыз', 'сәуір', 'мамыр', 'маусым', 'шілде', 'тамыз', 'қыркүйек', 'қазан', 'қараша', 'желтоқсан'];
const RU_MONTHS = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'];
const longKk = (day: string) => `${day.slice(0, 4)} жылғы «${Number(day.slice(8, 10))}» ${KK_MONTHS[Number(day.slice(5, 7)) - 1]}`;
const longRu = (day: string) => `«${Number(day.slice(8, 10))}» ${RU_MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)} г.`;
const short = (day: string) => `${day.slice(8, 10)}.${day.slice(5, 7)}.${day.slice(0, 4)}`;

const outDir = join('test-results', 'documents');
/** Keeps each PDF (and a PNG when poppler is installed) to look at; the tests never need them. */
function keep(name: string, pdf: Buffer): void {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}-${backend()}`);
  writeFileSync(`${file}.pdf`, pdf);
  try {
    execFileSync('pdftoppm', ['-png', '-r', '80', '-singlefile', `${file}.pdf`, file], { stdio: 'ignore' });
  } catch {
    // No poppler-utils on this machine: the PDF alone is kept.
  }
}

let database: Database;
let places: Places;
let config: Config;
let key: SigningKey;
let first: Application;
let second: Application;
let referralNumber: string;
let referralToken: string;
let referralId: number;
const issuedAt = new Date('2026-03-02T05:00:00Z');
const presentBy = new Date('2026-03-10T18:59:59.999Z');
const warn = vi.fn();

beforeAll(async () => {
  database = await openTestDatabase();
  places = await createPlaces(database.db);
  config = loadConfig({ PUBLIC_URL: 'https://balabaqsha.example.kz/' });
  key = await loadSigningKey(database.db, config, { warn });
  first = (await submitApplication(database.db, applicationInput(places), parent, defaultPolicy)).application;
  const secondInput = applicationInput(places, { childYear: first.birthYear, language: 'kk' });
  secondInput.applicant.fullName = 'Жұмабекова Гүлнұр Сәкенқызы';
  secondInput.child.fullName = 'Жұмабек Інжу Ерғалиқызы';
  second = (await submitApplication(database.db, secondInput, parent, defaultPolicy)).application;

  const [group] = await database.db
    .select()
    .from(groups)
    .where(and(eq(groups.kindergartenId, places.kindergartenIds[0]!), eq(groups.birthYear, first.birthYear), eq(groups.language, 'kk')));
  referralNumber = `2026-T${Date.now().toString(36)}${randomInt(0, 1e6).toString(36)}`;
  const [referral] = await database.db
    .insert(referrals)
    .values({
      number: referralNumber,
      applicationId: first.id,
      groupId: group!.id,
      status: 'issued',
      offeredAt: new Date('2026-02-27T05:00:00Z'),
      confirmBy: new Date('2026-03-03T18:59:59.999Z'),
      issuedAt,
      presentBy,
    })
    .returning();
  referralId = referral!.id;
  referralToken = referral!.verifyToken;
  await signReferralRecord(database.db, referralId, key);
});
afterAll(async () => {
  await database.close();
});

describe('signing keys', () => {
  it('generates a key once, keeps it in the database and warns that production should set SIGNING_KEY', async () => {
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('SIGNING_KEY'));
    const again = await loadSigningKey(database.db, {}, { warn });
    expect(again.kid).toBe(key.kid);
    expect(again.source).toBe('database');
    const [row] = await database.db.select().from(signingKeys).where(eq(signingKeys.kid, key.kid));
    expect(row).toMatchObject({ active: 1, algorithm: 'ed25519' });
    expect(row?.privateKey).toBeTruthy();
  });

  it('uses SIGNING_KEY when set, records only its public half, and still verifies older signatures', async () => {
    const own = generateSigningKey();
    const signingKey = own.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    const fromConfig = await loadSigningKey(database.db, { SIGNING_KEY: signingKey });
    expect(fromConfig).toMatchObject({ kid: own.kid, source: 'config' });
    const [row] = await database.db.select().from(signingKeys).where(eq(signingKeys.kid, own.kid));
    expect(row).toMatchObject({ active: 1, privateKey: null });
    // The key generated before is no longer active but still checks what it signed.
    expect(await publicKeyFor(database.db, key.kid, {})).not.toBeNull();
    expect((await checkReferral(database.db, referralToken, { ...config, SIGNING_KEY: signingKey }, issuedAt)).found).toBe(true);
    const check = await checkReferral(database.db, referralToken, config, issuedAt);
    expect(check.found && check.genuine).toBe(true);
    // Back without the setting: a generated key signs again (the config key's private half was never stored).
    const generated = await loadSigningKey(database.db, {}, { warn });
    expect(generated.source).toBe('database');
    expect(generated.kid).not.toBe(own.kid);
    expect(await publicKeyFor(database.db, own.kid, {})).not.toBeNull();
  });
});

describe('referral PDF (appendix 3)', () => {
  it('reads what the referral says and signs exactly that', async () => {
    const data = await loadReferralDocumentData(database.db, referralId, config);
    expect(data).toMatchObject({
      number: referralNumber,
      applicationNumber: first.number,
      language: 'kk',
      kindergarten: { number: 1 },
      group: { birthYear: first.birthYear, language: 'kk' },
      verifyUrl: `https://balabaqsha.example.kz/verify/${referralToken}`,
    });
    expect(data!.signature).toMatch(new RegExp(`^${key.kid}\\.`));
    expect(signReferral(referralContentOf(data!)!, key)).toBe(data!.signature);
  });

  it('renders the Kazakh form with every Kazakh letter, the numbers, dates, link and signature', async () => {
    const data = (await loadReferralDocumentData(database.db, referralId, config))!;
    const pdf = await renderReferralPdf(data, 'kk', { policy: defaultPolicy });
    keep('referral-kk', pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = flatText(pdf);
    for (const phrase of [
      'Баланы мектепке дейінгі ұйымға қабылдау үшін',
      `№ ${referralNumber} ЖОЛДАМА`,
      'мекенжайы бойынша орналасқан № 1 мектепке дейінгі ұйымға',
      'жолдама береді',
      'Баланың тегі, аты, әкесінің аты:',
      'Сейітқали Айсұлу Ерланқызы',
      'Туылған күні:',
      short(data.child.birthDate),
      'Баланың үйінің мекенжайы:',
      'Алматы, Абай даңғылы, 10, 5',
      'Абай даңғылы, 10',
      'Сынақ қаласы, Сынақ ауданы',
      first.number,
      `${short('2026-03-10')} күнін қоса алғанда, тапсырылуы тиіс`,
      `Жолдама ${longKk('2026-03-02')} күні берілді`,
      // The issuing body by the region's name, the head's line, the stamp; the act in force.
      'Алматы қаласы білім бөлімі Сынақ',
      'Басшы',
      'аты-жөні (қолы)',
      'Мөр орны',
      '«Мектепке дейінгі балалар ұйымдарына жіберу үшін мектепке дейінгі (7 жасқа дейін) жастағы балаларды кезекке қою» мемлекеттік көрсетілетін қызмет стандартына 1-қосымша',
      `Тексеру коды (кілт ${key.kid})`,
      `https://balabaqsha.example.kz/verify/${referralToken}`,
    ]) {
      expect(text, phrase).toContain(phrase);
    }
    for (const letter of KAZAKH_LETTERS) expect(text, letter).toContain(letter);
    expect(text).not.toContain('\uFFFD');
    // Not the repealed 2013 regulation, not a generic body, not a word that reads as an ЭЦҚ.
    for (const stale of ['регламент', 'басқарма', 'Басқарма', 'қолтаңба', 'Ed25519']) expect(text, stale).not.toContain(stale);
    // The signature wraps in small type: compare without the line breaks.
    expect(pdfText(pdf).replace(/\s+/g, '')).toContain(data.signature!);
  });

  it('renders the Russian form', async () => {
    const data = (await loadReferralDocumentData(database.db, referralId, config))!;
    const pdf = await renderReferralPdf(data, 'ru', { policy: defaultPolicy });
    keep('referral-ru', pdf);
    const text = flatText(pdf);
    for (const phrase of [
      `НАПРАВЛЕНИЕ № ${referralNumber}`,
      'для приёма ребёнка в дошкольную организацию',
      'Отдел образования города Алматы направляет ребёнка в дошкольную организацию № 1',
      'проспект Абая, 10',
      'Фамилия, имя, отчество ребёнка:',
      'Сейітқали Айсұлу Ерланқызы',
      'Дата рождения:',
      short(data.child.birthDate),
      'Домашний адрес ребёнка:',
      `не позднее ${short('2026-03-10')} включительно`,
      `Направление выдано ${longRu('2026-03-02')}`,
      'Отдел образования города Алматы Руководитель',
      'Ф.И.О. (подпись)',
      'Место печати',
      'Приложение 1 к стандарту государственной услуги «Постановка на очередь детей дошкольного возраста (до 7 лет) для направления в детские дошкольные организации»',
      `Код проверки (ключ ${key.kid})`,
      `https://balabaqsha.example.kz/verify/${referralToken}`,
    ]) {
      expect(text, phrase).toContain(phrase);
    }
    expect(text).toMatch(/в течение \d+ рабочих дней со дня выдачи/);
    for (const stale of ['регламент', 'Управлени', 'управлени', 'одпись документа', 'Ed25519']) expect(text, stale).not.toContain(stale);
  });

  it('names the issuing body and cites the legal basis from the region’s settings', async () => {
    const data = (await loadReferralDocumentData(database.db, referralId, config))!;
    const region = {
      provider: { kk: 'Сынақ ауданының білім бөлімі', ru: 'Отдел образования Тестового района' },
      legalBasis: { referral: { kk: 'Сынақ негіздемесі, 1-қосымша', ru: 'Тестовое основание, приложение 1' }, notice: { kk: 'Сынақ нысаны', ru: 'Тестовая форма' } },
    };
    const kk = flatText(await renderReferralPdf(data, 'kk', { policy: region }));
    expect(kk).toContain('Сынақ негіздемесі, 1-қосымша');
    expect(kk).toContain('Сынақ ауданының білім бөлімі Сынақ');
    const ru = flatText(await renderReferralPdf(data, 'ru', { policy: region }));
    expect(ru).toContain('Отдел образования Тестового района направляет ребёнка');
    const notice = (await loadNoticeData(database.db, second.id, defaultPolicy))!;
    const noticeRu = flatText(await renderRegistrationNoticePdf(notice, 'ru', { policy: region }));
    expect(noticeRu).toContain('Тестовая форма');
    expect(noticeRu).toContain('Отдел образования Тестового района Специалист');
  });

  it('prints an extension and refuses a referral that is not issued', async () => {
    const data = (await loadReferralDocumentData(database.db, referralId, config))!;
    const extended = flatText(await renderReferralPdf({ ...data, extendedUntil: new Date('2026-04-09T18:59:59.999Z') }, 'kk', { policy: defaultPolicy }));
    expect(extended).toContain(`Тапсыру мерзімі ұзартылды: ${short('2026-04-09')} күнін қоса алғанда`);
    await expect(renderReferralPdf({ ...data, number: null, verifyUrl: null }, 'kk', { policy: defaultPolicy })).rejects.toThrow(/not issued/);
  });
});

describe('registration notice PDF (appendix 4)', () => {
  it('gives the queue number and the current position, in Kazakh', async () => {
    const data = (await loadNoticeData(database.db, second.id, defaultPolicy))!;
    expect(data).toMatchObject({ applicationNumber: second.number, queueNumber: 2, position: 2 });
    const pdf = await renderRegistrationNoticePdf(data, 'kk', { policy: defaultPolicy });
    keep('notice-kk', pdf);
    const text = flatText(pdf);
    const registered = localDate(second.registeredAt);
    for (const phrase of [
      'Баланы кезекке қою туралы хабарлама',
      'Осы хабарлама Жұмабекова Гүлнұр Сәкенқызы (ата-ананың аты-жөні) Жұмабек Інжу Ерғалиқызы (баланың аты-жөні) туралы берілді.',
      `Бала мектепке дейінгі ұйымға жіберу үшін ${longKk(registered)} күні кезекке қойылды, кезектілік нөмірі: 2.`,
      'электрондық үкімет порталы арқылы',
      '«Мектепке дейінгі балалар ұйымдарына жіберу үшін мектепке дейінгі (7 жасқа дейін) жастағы балаларды кезекке қою» мемлекеттік көрсетілетін қызмет стандартына сәйкес ерікті нысан',
      'Кезектілік нөмірі 2',
      second.number,
      `${short(registered)},`,
      `Сынақ қаласы, Сынақ ауданы; ${second.birthYear} жылы туған балалар; оқыту тілі – қазақ тілі`,
      '№ 1 «Балапан» балабақшасы',
      'Кезектегі орны',
      // The officer who hands it over: the body, name and signature, the stamp.
      'Алматы қаласы білім бөлімі Маман',
      'аты-жөні (қолы)',
      'Мөр орны',
    ]) {
      expect(text, phrase).toContain(phrase);
    }
    for (const stale of ['регламент', 'басқарма', 'тіркеу']) expect(text, stale).not.toContain(stale);
    expect(text).toMatch(/жағдай бойынша\) 2 /);
    for (const letter of KAZAKH_LETTERS) expect(text, letter).toContain(letter);
    expect(text).not.toContain('\uFFFD');
  });

  it('in Russian, and without a position once the child no longer waits', async () => {
    const data = (await loadNoticeData(database.db, second.id, defaultPolicy))!;
    const pdf = await renderRegistrationNoticePdf(data, 'ru', { policy: defaultPolicy });
    keep('notice-ru', pdf);
    const text = flatText(pdf);
    const registered = localDate(second.registeredAt);
    expect(text).toContain('Уведомление о постановке ребёнка в очередь');
    expect(text).toContain(
      'Настоящее уведомление выдано заявителю — Жұмабекова Гүлнұр Сәкенқызы (Ф.И.О. родителя) — о том, что ребёнок Жұмабек Інжу Ерғалиқызы (Ф.И.О. ребёнка)',
    );
    expect(text).toContain(`поставлен в очередь для направления в дошкольную организацию ${longRu(registered)}, номер очерёдности: 2.`);
    expect(text).toContain('Произвольная форма по стандарту государственной услуги «Постановка на очередь детей дошкольного возраста (до 7 лет) для направления в детские дошкольные организации»');
    for (const phrase of ['Номер очерёдности 2', 'Отдел образования города Алматы Специалист', 'Ф.И.О. (подпись)', 'Место печати']) expect(text, phrase).toContain(phrase);
    for (const stale of ['регламент', 'на учет', 'поставлен(а)', 'Управлени', 'Потребитель']) expect(text, stale).not.toContain(stale);
    expect(text).toContain('язык обучения – казахский');
    const waiting = flatText(await renderRegistrationNoticePdf({ ...data, position: null }, 'ru', { policy: defaultPolicy }));
    expect(waiting).toContain('не ожидает в очереди');
  });

  it('has nothing to say for an unknown application', async () => {
    expect(await loadNoticeData(database.db, 2_000_000_000, defaultPolicy)).toBeNull();
  });
});

describe('public verification page', () => {
  const at = new Date('2026-03-05T06:00:00Z');
  const app = () => new Hono().route('/verify', verifyRoutes({ database, config, policy: defaultPolicy, now: () => at }));
  const get = (path: string) => app().request(path);
  const personal = async () => {
    const [child] = await database.db.select().from(children).where(eq(children.id, first.childId));
    const [applicant] = await database.db.select().from(applicants).where(eq(applicants.id, first.applicantId));
    return [child!.fullName, child!.iin, short(child!.birthDate), child!.birthDate, applicant!.fullName, applicant!.iin, applicant!.address!];
  };

  it('says a genuine referral is valid until its date, in Kazakh by default, without personal data', async () => {
    const res = await get(`/verify/${referralToken}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `verify-kk-${backend()}.html`), body);
    expect(body).toContain('<html lang="kk">');
    expect(body).toContain('data-verdict="genuine"');
    expect(body).toContain('Түпнұсқа');
    expect(body).toContain(`мектепке дейінгі ұйымға ${short('2026-03-10')} күнін қоса алғанда тапсырылуы тиіс`);
    expect(body).toContain('data-state="valid"');
    expect(body).toContain('<dd>№ 1 «Балапан» балабақшасы</dd>');
    expect(body).toContain('href="?lang=ru"');
    for (const item of await personal()) expect(body, item).not.toContain(item);
  });

  it('answers in Russian with ?lang=ru and as JSON', async () => {
    const body = await (await get(`/verify/${referralToken}?lang=ru`)).text();
    expect(body).toContain('<html lang="ru">');
    expect(body).toContain('Подлинное');
    expect(body).toContain(`не позднее ${short('2026-03-10')} включительно`);
    expect(body).toContain('href="?lang=kk"');
    const json = await (await get(`/verify/${referralToken}.json`)).json();
    expect(json).toMatchObject({ number: referralNumber, found: true, genuine: true, state: 'valid', validUntil: '2026-03-10', issuedOn: '2026-03-02' });
    const serialized = JSON.stringify(json);
    for (const item of await personal()) expect(serialized, item).not.toContain(item);
  });

  it("names the region's provider from the policy, not a generic department", async () => {
    const policy = policySchema.parse({ provider: { kk: 'Шымкент қаласы білім бөлімі', ru: 'Отдел образования города Шымкент' } });
    const shymkent = new Hono().route('/verify', verifyRoutes({ database, config, policy, now: () => at }));
    const kk = await (await shymkent.request(`/verify/${referralToken}`)).text();
    expect(kk).toContain('<dt>Жолдаманы берген</dt><dd>Шымкент қаласы білім бөлімі</dd>');
    const ru = await (await shymkent.request(`/verify/${referralToken}?lang=ru`)).text();
    expect(ru).toContain('<dt>Кем выдано</dt><dd>Отдел образования города Шымкент</dd>');
    expect(ru).not.toContain('отдел образования');
    const missing = await (await shymkent.request('/verify/0123456789abcdef0123456789abcdef?lang=ru')).text();
    expect(missing).toContain('Сверьте номер направления с органом, который его выдал: Отдел образования города Шымкент.');
    expect((await (await shymkent.request(`/verify/${referralToken}.json`)).json()).provider).toEqual(policy.provider);
  });

  it('reports a row changed after signing as not genuine, and shows nothing of it', async () => {
    const [child] = await database.db.select().from(children).where(eq(children.id, first.childId));
    try {
      await database.db.update(children).set({ fullName: 'Басқа Бала Ұлы' }).where(eq(children.id, first.childId));
      const res = await get(`/verify/${referralToken}`);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain('data-verdict="not-genuine"');
      expect(body).toContain('Түпнұсқалығы расталмады');
      expect(body).not.toContain('data-state=');
      expect(body).not.toContain('Басқа Бала Ұлы');
    } finally {
      await database.db.update(children).set({ fullName: child!.fullName }).where(eq(children.id, first.childId));
    }
    try {
      await database.db.update(referrals).set({ presentBy: new Date('2026-04-10T18:59:59.999Z') }).where(eq(referrals.id, referralId));
      const json = await (await get(`/verify/${referralToken}.json`)).json();
      expect(json).toEqual({ number: referralNumber, found: true, genuine: false, checkedAt: at.toISOString() });
    } finally {
      await database.db.update(referrals).set({ presentBy }).where(eq(referrals.id, referralId));
    }
    expect(await (await get(`/verify/${referralToken}`)).text()).toContain('data-verdict="genuine"');
  });

  it('tells used, lapsed and expired referrals apart (the status is read live, not signed)', async () => {
    const after = new Hono().route('/verify', verifyRoutes({ database, config, policy: defaultPolicy, now: () => new Date('2026-03-11T05:00:00Z') }));
    expect(await (await after.request(`/verify/${referralToken}`)).text()).toContain('data-state="expired"');
    for (const [status, text] of [
      ['enrolled', 'Пайдаланылды'],
      ['lapsed', 'белгіленген мерзімде пайдаланылмады'],
      ['cancelled', 'жолдаманы берген орган (Алматы қаласы білім бөлімі) оның күшін жойды'],
    ] as const) {
      await database.db.update(referrals).set({ status }).where(eq(referrals.id, referralId));
      const body = await (await get(`/verify/${referralToken}`)).text();
      expect(body).toContain('data-verdict="genuine"');
      expect(body).toContain(`data-state="${status}"`);
      expect(body).toContain(text);
    }
    await database.db.update(referrals).set({ status: 'issued' }).where(eq(referrals.id, referralId));
  });

  it('answers 404 for a made-up link and echoes nothing of it', async () => {
    const res = await get(`/verify/${encodeURIComponent('2026-<script>alert(1)</script>')}`);
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body).toContain('data-verdict="not-found"');
    expect(body).not.toContain('script');
    const json = await get('/verify/2026-NOPE.json');
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ found: false });
  });

  it('does not answer a referral’s sequential number: only its token', async () => {
    expect(referralToken).toMatch(/^[0-9a-f]{32}$/);
    const data = await loadReferralDocumentData(database.db, referralId, config);
    expect(data!.verifyUrl).toBe(`https://balabaqsha.example.kz/verify/${referralToken}`);
    const byNumber = await get(`/verify/${encodeURIComponent(referralNumber)}`);
    expect(byNumber.status).toBe(404);
    expect(await byNumber.text()).not.toContain(referralNumber);
    expect((await get(`/verify/${encodeURIComponent(referralNumber)}.json`)).status).toBe(404);
    expect((await checkReferral(database.db, referralNumber, config, at)).found).toBe(false);
    // The token of every referral is its own, also of rows made before the column existed.
    const tokens = await database.db.select({ token: referrals.verifyToken }).from(referrals);
    expect(new Set(tokens.map((r) => r.token)).size).toBe(tokens.length);
  });

  it('answers 429 with Retry-After past VERIFY_RATE_LIMIT requests a minute from one address', async () => {
    const limited = new Hono().route('/verify', verifyRoutes({ database, config: { ...config, VERIFY_RATE_LIMIT: 5 }, policy: defaultPolicy, now: () => at }));
    const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip, remotePort: 40000, remoteFamily: 'IPv4' } } });
    for (let i = 0; i < 5; i++) expect((await limited.request(`/verify/${referralToken}`, {}, from('192.0.2.10'))).status).toBe(200);
    const refused = await limited.request(`/verify/${referralToken}?lang=ru`, {}, from('192.0.2.10'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.text()).toContain('Слишком много проверок');
    expect((await limited.request(`/verify/${referralToken}.json`, {}, from('192.0.2.10'))).status).toBe(429);
    // Another address is not affected; one IPv6 /64 counts as one client.
    expect((await limited.request(`/verify/${referralToken}`, {}, from('192.0.2.11'))).status).toBe(200);
    for (let i = 0; i < 5; i++) await limited.request(`/verify/${referralToken}`, {}, from(`2001:db8:1:2::${i + 1}`));
    expect((await limited.request(`/verify/${referralToken}`, {}, from('2001:db8:1:2:ffff::9'))).status).toBe(429);
  });

  it('forbids framing and inline code: CSP with frame-ancestors none and the style block by hash, nosniff', async () => {
    const res = await get(`/verify/${referralToken}`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/style-src 'sha256-[\w+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('is mounted on the server at /verify', async () => {
    // Imported here: the whole server (panel API and all) should not be needed by the tests above.
    const { createServer } = await import('../../admin/server/index.ts');
    const server = createServer({ database, config, logger: testLogger(), policy: defaultPolicy, signingKey: generateSigningKey() });
    const res = await server.request(`/verify/${referralToken}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-verdict="genuine"');
  });
});
