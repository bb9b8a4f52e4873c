/**
 * Issue #12, the panel at the desk: staff print the referral and the registration notice (the
 * bot's PDFs, their text and QR code read back), in the parent's language or the other, only
 * for their own district's children, every copy audited; a search finds a child whatever the
 * status; decisions taken for a parent need a reason and a channel, which the audit row and the
 * application's history keep. Runs on PGlite and on the PostgreSQL server.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { auditLog, groups, referrals } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { loadConfig } from '../../core/config.ts';
import { verificationUrl } from '../../core/document-data.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { client, createStaff, ipEnv, listQuery, signIn, testServer, totalOf, type Client, type Session, type TestApp } from '../support/admin.ts';
import { pdfQrCodes } from '../support/pdf-image.ts';
import { flatText } from '../support/pdf-text.ts';

// No August freeze during the run, whatever the date.
const policy: Policy = { ...defaultPolicy, freeze: { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } } };
const parent = { type: 'parent', id: null } as const;
const year = new Date().getUTCFullYear() - 3;
const IP = '10.12.1.1';
const PHONED = { reason: 'Ата-анасы басқа қалаға көшеді', channel: 'phone', comment: 'қоңырау 10:15' };

let database: Database;
let app: TestApp;
let mine: Places;
let theirs: Places;
let staffSession: Session;
let staff: Client;
let staffId: number;
let other: Client;
let callCentre: Client;
/** Each test's own kindergarten and queue language, so no test's child takes another's seat. */
type Seat = { kg: number; language: 'kk' | 'ru' };
const SEATS = { referral: { kg: 0, language: 'kk' }, scope: { kg: 1, language: 'kk' }, decline: { kg: 2, language: 'kk' }, enrol: { kg: 0, language: 'ru' }, notice: { kg: 2, language: 'ru' }, search: { kg: 1, language: 'ru' } } satisfies Record<string, Seat>;

beforeAll(async () => {
  database = await openTestDatabase();
  app = testServer(database, policy);
  [mine, theirs] = [await createPlaces(database.db), await createPlaces(database.db)];
  const s = await createStaff(database, ['district_staff'], { districtIds: [mine.districtId] });
  const o = await createStaff(database, ['district_staff'], { districtIds: [theirs.districtId] });
  const cc = await createStaff(database, ['call_centre']);
  staffId = s.id;
  staffSession = await signIn(app, s.login, s.password, IP);
  staff = client(app, staffSession);
  other = client(app, await signIn(app, o.login, o.password, IP));
  callCentre = client(app, await signIn(app, cc.login, cc.password, IP));
});
afterAll(async () => {
  await database.close();
});

/** A waiting child of my district, three years old, who ranked only the seat's kindergarten. */
async function waitingChild(seat: Seat, overrides: { applicantLanguage?: 'kk' | 'ru'; childName?: string } = {}) {
  const input = applicationInput(mine, { childYear: year, language: seat.language, kindergartenIds: [mine.kindergartenIds[seat.kg]!] });
  input.applicant.language = overrides.applicantLanguage ?? 'kk';
  if (overrides.childName) input.child.fullName = overrides.childName;
  const { application } = await submitApplication(database.db, input, parent, policy);
  expect(application.status).toBe('registered');
  return { ...application, childIin: input.child.iin, childName: input.child.fullName };
}

/** Offers the seat's group to the first waiting child who ranked it: the test's own child. */
async function offer(seat: Seat, child: { id: number }): Promise<{ id: number; applicationId: number }> {
  const [group] = await database.db
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.kindergartenId, mine.kindergartenIds[seat.kg]!), eq(groups.birthYear, year), eq(groups.language, seat.language)));
  const res = await staff.post('/api/referrals', { groupId: group!.id });
  expect(res.status, res.text).toBe(201);
  expect(res.json.applicationId).toBe(child.id);
  return res.json;
}

/** The raw bytes of a GET (the JSON client reads text): for the PDFs. */
async function download(session: Session | null, path: string) {
  const res = await app.request(path, { headers: session ? { cookie: session.cookie } : {} }, ipEnv(IP));
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function auditRows(applicationId: number, action: string) {
  return database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, applicationId), eq(auditLog.action, action)));
}

describe('printing the referral and the notice from the panel', () => {
  it('the referral: the bot’s PDF in the parent’s language or the other, with its QR code and verify link, audited', async () => {
    const child = await waitingChild(SEATS.referral, { childName: 'Тоқтарова Іңкәр Ерланқызы' });
    const offered = await offer(SEATS.referral, child);

    // Not issued yet: nothing to print.
    const early = await download(staffSession, `/api/referrals/${offered.id}/pdf`);
    expect(early.status).toBe(409);
    expect(JSON.parse(early.bytes.toString())).toMatchObject({ error: 'referral_not_issued' });

    const confirmed = await staff.post(`/api/referrals/${offered.id}/confirm`, { reason: 'Ата-анасы бөлімге келді', channel: 'desk' });
    expect(confirmed.status, confirmed.text).toBe(200);
    const number = confirmed.json.number as string;
    // The referral's page names the child and the kindergarten (item 8).
    expect(confirmed.json).toMatchObject({ childName: 'Тоқтарова Іңкәр Ерланқызы', kindergartenNameKk: '№ 1 «Балапан» балабақшасы', parentLanguage: 'kk' });

    const kk = await download(staffSession, `/api/referrals/${offered.id}/pdf`);
    expect(kk.status).toBe(200);
    expect(kk.headers.get('content-type')).toBe('application/pdf');
    expect(kk.headers.get('content-language')).toBe('kk');
    expect(kk.headers.get('content-disposition')).toContain(`zholdama-${number}.pdf`);
    const kkText = flatText(kk.bytes);
    expect(kkText).toContain(`№ ${number} ЖОЛДАМА`);
    expect(kkText).toContain('Тоқтарова Іңкәр Ерланқызы');
    expect(kkText).toContain('№ 1 «Балапан» балабақшасы');
    const [row] = await database.db.select({ token: referrals.verifyToken }).from(referrals).where(eq(referrals.id, offered.id));
    const verifyUrl = verificationUrl(loadConfig({ SEED_DEMO: 'false' }), row!.token);
    expect(kkText).toContain(verifyUrl);
    expect(pdfQrCodes(kk.bytes)).toEqual([verifyUrl]);

    const ru = await download(staffSession, `/api/referrals/${offered.id}/pdf?lang=ru`);
    expect(ru.status).toBe(200);
    expect(ru.headers.get('content-language')).toBe('ru');
    const ruText = flatText(ru.bytes);
    expect(ruText).toContain(`НАПРАВЛЕНИЕ № ${number}`);
    expect(ruText).toContain('Детский сад № 1 «Балапан»');
    expect(pdfQrCodes(ru.bytes)).toEqual([verifyUrl]);

    expect((await download(staffSession, `/api/referrals/${offered.id}/pdf?lang=en`)).status).toBe(400);

    const printed = await auditRows(child.id, 'document.download');
    expect(printed.map((r) => [r.actorType, r.actorId, r.data])).toEqual([
      ['staff', staffId, { document: 'referral', referralId: offered.id, number, language: 'kk' }],
      ['staff', staffId, { document: 'referral', referralId: offered.id, number, language: 'ru' }],
    ]);
  });

  it('the notice: the registration notice with the queue number, in either language, audited', async () => {
    const child = await waitingChild(SEATS.notice, { applicantLanguage: 'ru', childName: 'Серікова Әлия Асқарқызы' });
    const ru = await download(staffSession, `/api/applications/${child.id}/notice.pdf`);
    expect(ru.status).toBe(200);
    expect(ru.headers.get('content-language')).toBe('ru');
    const ruText = flatText(ru.bytes);
    expect(ruText).toContain('Уведомление о постановке ребёнка в очередь');
    expect(ruText).toContain(child.number);
    expect(ruText).toContain('Серікова Әлия Асқарқызы');
    expect(ruText).toContain(`номер очерёдности: ${child.queueNumber}.`);

    const kk = await download(staffSession, `/api/applications/${child.id}/notice.pdf?lang=kk`);
    expect(kk.status).toBe(200);
    expect(flatText(kk.bytes)).toContain('Баланы кезекке қою туралы хабарлама');

    const printed = await auditRows(child.id, 'document.download');
    expect(printed.map((r) => r.data)).toEqual([
      { document: 'notice', number: child.number, language: 'ru' },
      { document: 'notice', number: child.number, language: 'kk' },
    ]);
  });

  it('another district’s staff get 404 and the call centre 403; nothing is audited for them', async () => {
    const child = await waitingChild(SEATS.scope);
    const offered = await offer(SEATS.scope, child);
    expect((await staff.post(`/api/referrals/${offered.id}/confirm`, PHONED)).status).toBe(200);
    for (const path of [`/api/referrals/${offered.id}/pdf`, `/api/applications/${child.id}/notice.pdf`]) {
      expect((await other.get(path)).status, path).toBe(404);
      expect((await callCentre.get(path)).status, path).toBe(403);
      expect((await download(null, path)).status, path).toBe(401);
    }
    expect(await auditRows(child.id, 'document.download')).toEqual([]);
  });
});

describe('the search box looks through every status', () => {
  it('finds a refused child by IIN although the list’s status filter says "in the queue", within the user’s districts only', async () => {
    const child = await waitingChild(SEATS.search);
    const refused = await staff.post(`/api/applications/${child.id}/refuse`, { reason: 'documents_incomplete', comment: null });
    expect(refused.status, refused.text).toBe(200);
    // What the panel sends: its default filters (status "registered", the user's district) and the box.
    const filter = { status: 'registered', districtId: mine.districtId, q: child.childIin };
    const res = await staff.get(`/api/applications?${listQuery(filter, ['queueOrder', 'ASC'], [0, 24])}`);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual([expect.objectContaining({ id: child.id, status: 'refused', childIin: child.childIin })]);
    expect(totalOf(res.headers)).toBe(1);
    // By number too.
    const byNumber = await staff.get(`/api/applications?${listQuery({ ...filter, q: child.number })}`);
    expect((byNumber.json as { id: number }[]).map((r) => r.id)).toEqual([child.id]);
    // Another district's staff still find nothing: the search ignores the filters, not the scope.
    const elsewhere = await other.get(`/api/applications?${listQuery({ status: 'registered', districtId: theirs.districtId, q: child.childIin })}`);
    expect(elsewhere.json).toEqual([]);
    expect(totalOf(elsewhere.headers)).toBe(0);
  });
});

describe('decisions taken for a parent need a reason and a channel', () => {
  it('declining without them is a 400 that changes nothing; with them the audit row and the history keep both', async () => {
    const child = await waitingChild(SEATS.decline);
    const offered = await offer(SEATS.decline, child);
    const bare = await staff.post(`/api/referrals/${offered.id}/decline`, {});
    expect(bare.status).toBe(400);
    expect((bare.json.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['channel', 'reason']);
    expect((await staff.post(`/api/referrals/${offered.id}/decline`, { reason: '  ', channel: 'phone' })).status).toBe(400);
    expect((await staff.post(`/api/referrals/${offered.id}/decline`, { reason: 'көшеді', channel: 'telepathy' })).status).toBe(400);
    expect((await staff.get(`/api/referrals/${offered.id}`)).json.status).toBe('offered');
    for (const action of ['confirm', 'enrol']) expect((await staff.post(`/api/referrals/${offered.id}/${action}`, {})).status, action).toBe(400);

    const declined = await staff.post(`/api/referrals/${offered.id}/decline`, PHONED);
    expect(declined.status, declined.text).toBe(200);
    expect(declined.json.status).toBe('declined');
    const [row] = await auditRows(child.id, 'application.decline');
    expect(row).toMatchObject({
      actorType: 'staff',
      actorId: staffId,
      reason: PHONED.reason,
      data: { referralId: offered.id, channel: 'phone', comment: PHONED.comment },
    });
    const detail = await staff.get(`/api/applications/${child.id}`);
    expect(detail.json.history).toContainEqual(
      expect.objectContaining({ action: 'application.decline', reason: PHONED.reason, channel: 'phone', comment: PHONED.comment }),
    );
  });

  it('recording the enrolment keeps the kindergarten’s word and how it came', async () => {
    const child = await waitingChild(SEATS.enrol);
    const offered = await offer(SEATS.enrol, child);
    expect((await staff.post(`/api/referrals/${offered.id}/confirm`, PHONED)).status).toBe(200);
    const enrolled = await staff.post(`/api/referrals/${offered.id}/enrol`, { reason: 'Балабақша баланы қабылдады', channel: 'kindergarten' });
    expect(enrolled.status, enrolled.text).toBe(200);
    const [confirm] = await auditRows(child.id, 'application.confirm');
    const [enrol] = await auditRows(child.id, 'application.enrol');
    expect(confirm).toMatchObject({ reason: PHONED.reason, data: expect.objectContaining({ channel: 'phone', comment: PHONED.comment }) });
    expect(enrol).toMatchObject({ reason: 'Балабақша баланы қабылдады', data: expect.objectContaining({ channel: 'kindergarten' }) });
  });
});
