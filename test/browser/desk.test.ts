/**
 * Issue #12 at the desk, in Chromium and in Kazakh: district staff print a referral (the PDF
 * behind the panel's button read back: number, child, kindergarten, verify link; the other
 * language too) and a registration notice, find a refused child by IIN although the list starts
 * on "in the queue", and decline a place for a parent who phoned, with the reason and the
 * channel, which the application's history then shows. Screenshots go to test-results/.
 */
import { mkdirSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { auditLog, groups, referrals } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { offerNextInQueue } from '../../core/placement.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { confirmOffer } from '../../core/referrals.ts';
import { generateSigningKey } from '../../core/signing.ts';
import { changeStatus } from '../../core/status.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { createStaff } from '../support/admin.ts';
import { launchBrowser, signInAs, startServer, watchedPage } from '../support/browser.ts';
import { flatText } from '../support/pdf-text.ts';

const SHOTS = 'test-results';
// No August freeze during the run, whatever the date.
const policy: Policy = { ...defaultPolicy, freeze: { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } } };
const parent = { type: 'parent', id: null } as const;
const system = { type: 'system', id: null } as const;
const year = new Date().getUTCFullYear() - 3;

let database: Database;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let places: Places;
let staff: { login: string; password: string };

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/browser-desk-${name}.png`, fullPage: true, animations: 'disabled' });

/** A waiting kk child of three who ranked only kindergarten `kg` of this file's district. */
async function child(kg: number, fullName: string) {
  const input = applicationInput(places, { childYear: year, kindergartenIds: [places.kindergartenIds[kg]!] });
  input.child.fullName = fullName;
  const { application } = await submitApplication(database.db, input, parent, policy);
  return { application, input };
}

async function offerAt(kg: number) {
  const [group] = await database.db
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.kindergartenId, places.kindergartenIds[kg]!), eq(groups.birthYear, year), eq(groups.language, 'kk')));
  const { referrals: offered } = await offerNextInQueue(database.db, { groupId: group!.id, actor: system, policy });
  return offered[0]!;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  database = await openTestDatabase();
  places = await createPlaces(database.db);
  staff = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  server = await startServer(database, policy);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

describe('the panel at the desk, in Kazakh', () => {
  it('prints the referral and the notice: the PDFs behind the buttons are the documents, audited', async () => {
    const { application, input } = await child(0, 'Жұмабекова Әйгерім Нұрланқызы');
    const offer = await offerAt(0);
    const issued = await confirmOffer(database.db, { referralId: offer.id, actor: parent, policy, signingKey: generateSigningKey() });
    const { page, problems, close } = await watchedPage(browser);
    await signInAs(page, server.url, staff.login, staff.password);

    // The list's row has its own print action.
    await page.goto(`${server.url}/admin/#/referrals`);
    const row = page.locator('tbody tr', { hasText: issued.number! });
    await row.waitFor();
    expect(await row.getByRole('link', { name: 'Жолдаманы басып шығару' }).getAttribute('href')).toBe(`/api/referrals/${offer.id}/pdf?lang=kk`);

    await page.goto(`${server.url}/admin/#/referrals/${offer.id}/show`);
    const buttons = page.getByTestId('print-referral');
    await buttons.waitFor();
    // The page names the child and the kindergarten.
    await page.getByText('Жұмабекова Әйгерім Нұрланқызы').waitFor();
    await page.getByText('№ 1 «Балапан» балабақшасы').waitFor();
    await shot(page, '01-referral-print');
    const main = buttons.getByRole('link', { name: 'Жолдаманы басып шығару' });
    const href = (await main.getAttribute('href'))!;
    expect(await main.getAttribute('target')).toBe('_blank');
    // What the browser opens in the new tab, with the page's session.
    const pdf = await page.context().request.get(`${server.url}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const text = flatText(await pdf.body());
    const [row2] = await database.db.select({ token: referrals.verifyToken }).from(referrals).where(eq(referrals.id, offer.id));
    expect(text).toContain(`№ ${issued.number} ЖОЛДАМА`);
    expect(text).toContain('Жұмабекова Әйгерім Нұрланқызы');
    expect(text).toContain(`/verify/${row2!.token}`);
    const ru = await page.context().request.get(`${server.url}${(await buttons.getByRole('link', { name: 'Орыс тілінде' }).getAttribute('href'))!}`);
    expect(flatText(await ru.body())).toContain(`НАПРАВЛЕНИЕ № ${issued.number}`);

    // The notice, from the application's page.
    await page.goto(`${server.url}/admin/#/applications/${application.id}/show`);
    const notice = page.getByTestId('print-notice');
    await notice.waitFor();
    await shot(page, '02-application-print');
    const noticePdf = await page.context().request.get(`${server.url}${(await notice.getByRole('link', { name: 'Хабарламаны басып шығару' }).getAttribute('href'))!}`);
    const noticeText = flatText(await noticePdf.body());
    expect(noticeText).toContain(application.number);
    expect(noticeText).toContain(input.child.fullName);

    // Right after a walk-in intake the panel lands here with the notice offered first
    // (ApplicationCreate redirects with this router state; the intake form is another test's).
    await page.evaluate((id) => {
      history.replaceState({ usr: { intake: true }, key: 'intake', idx: 0 }, '', `#/applications/${id}/show`);
    }, application.id);
    await page.reload();
    const after = page.getByTestId('after-intake');
    await after.waitFor();
    expect(await after.innerText()).toContain(application.number);
    expect(await after.getByRole('link', { name: 'Хабарламаны басып шығару' }).getAttribute('href')).toBe(`/api/applications/${application.id}/notice.pdf?lang=kk`);
    await shot(page, '02b-after-intake');

    const printed = await database.db
      .select({ data: auditLog.data })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'document.download'), eq(auditLog.entityId, application.id)));
    expect(printed.map((r) => (r.data as { document: string; language: string }))).toEqual([
      expect.objectContaining({ document: 'referral', language: 'kk' }),
      expect.objectContaining({ document: 'referral', language: 'ru' }),
      expect.objectContaining({ document: 'notice', language: 'kk' }),
    ]);
    expect(problems).toEqual([]);
    await close();
  });

  it('finds a refused child by IIN although the list starts on "in the queue", and says it searched every status', async () => {
    const { application, input } = await child(1, 'Қасымов Ерасыл Бауыржанұлы');
    await changeStatus(database.db, { applicationId: application.id, event: 'refuse', actor: { type: 'staff', id: 1 }, reason: 'documents_incomplete', policy });
    const { page, problems, close } = await watchedPage(browser);
    await signInAs(page, server.url, staff.login, staff.password);
    await page.goto(`${server.url}/admin/#/applications`);
    const search = page.locator('input[name=q]');
    await search.waitFor();
    await search.fill(input.child.iin);
    const row = page.locator('tbody tr', { hasText: application.number });
    await row.waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await row.getByText('Бас тартылды').waitFor();
    await page.getByTestId('searched-all').waitFor();
    await shot(page, '03-search-refused');
    expect(problems).toEqual([]);
    await close();
  });

  it('declines a place for a parent who phoned: it asks, needs a reason and a channel, and the history shows them', async () => {
    const { application } = await child(2, 'Нұрланова Томирис Асқарқызы');
    const offer = await offerAt(2);
    const { page, problems, close } = await watchedPage(browser);
    await signInAs(page, server.url, staff.login, staff.password);
    await page.goto(`${server.url}/admin/#/referrals/${offer.id}/show`);
    await page.getByRole('button', { name: 'Орыннан бас тарту' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Ата-ана атынан орыннан бас тарту').waitFor();
    // Nothing happens on a bare confirm: the form asks for the channel and the reason.
    await dialog.getByRole('button', { name: 'Орыннан бас тарту' }).click();
    expect((await database.db.select().from(referrals).where(eq(referrals.id, offer.id)))[0]!.status).toBe('offered');
    await dialog.getByRole('combobox').click();
    await page.getByRole('option', { name: 'Ата-ана телефон соқты' }).click();
    await dialog.locator('textarea[name=reason]').fill('Отбасы Астанаға көшеді');
    await dialog.locator('textarea[name=comment]').fill('Анасы 10:20-да қоңырау шалды');
    await shot(page, '04-decline-dialog');
    await dialog.getByRole('button', { name: 'Орыннан бас тарту' }).click();
    await page.getByText('Бас тарту жазылды, бала кезекке оралды').waitFor();
    expect((await database.db.select().from(referrals).where(eq(referrals.id, offer.id)))[0]!.status).toBe('declined');

    await page.goto(`${server.url}/admin/#/applications/${application.id}/show`);
    const history = page.locator('tr', { hasText: 'Отбасы Астанаға көшеді' });
    await history.waitFor();
    await history.getByText('Ата-ана телефон соқты').waitFor();
    await history.getByText('Анасы 10:20-да қоңырау шалды').waitFor();
    await shot(page, '05-history');
    expect(problems).toEqual([]);
    await close();
  });
});
