/**
 * At the desk in Chromium, in both languages: the intake checks the child's IIN as it is typed
 * (the rule, the birth date, a duplicate here or in another district) with the staff member's
 * only district filled in; the export has as many rows as the list's total; the audit log names
 * applications by number and child and shows comments as text.
 * Screenshots go to test-results/ (look at them).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { submitApplication } from '../../core/applications.ts';
import { formatDay } from '../../core/format.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { changeStatus } from '../../core/status.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { createStaff } from '../support/admin.ts';
import { launchBrowser, signInAs, startServer, watchedPage } from '../support/browser.ts';

const SHOTS = 'test-results';
const parent = { type: 'parent', id: null } as const;
const COMMENT = 'Туу туралы куәліктің көшірмесі оқылмайды';

let database: Database;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let mine: Places;
let staff: { login: string; password: string };
let admin: { login: string; password: string };
let here: { iin: string; birthDate: string; number: string; id: number };
let elsewhere: { iin: string };
let refused: { number: string; child: string };

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/browser-desk-intake-${name}.png`, fullPage: true });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  database = await openTestDatabase();
  mine = await createPlaces(database.db);
  const other = await createPlaces(database.db);
  const input = applicationInput(mine);
  const app = (await submitApplication(database.db, input, parent, defaultPolicy)).application;
  here = { iin: input.child.iin, birthDate: input.child.birthDate, number: app.number, id: app.id };
  const away = applicationInput(other);
  await submitApplication(database.db, away, parent, defaultPolicy);
  elsewhere = { iin: away.child.iin };
  for (let i = 0; i < 30; i++) await submitApplication(database.db, applicationInput(mine), parent, defaultPolicy);
  const r = applicationInput(mine);
  r.child.fullName = 'Жақсыбекова Ұлжан Өмірзаққызы';
  const refusedApp = (await submitApplication(database.db, r, parent, defaultPolicy)).application;
  const s = await createStaff(database, ['district_staff'], { districtIds: [mine.districtId] });
  await changeStatus(database.db, {
    applicationId: refusedApp.id,
    event: 'refuse',
    actor: { type: 'staff', id: s.id, roles: ['district_staff'] },
    reason: 'documents_incomplete',
    comment: COMMENT,
    policy: defaultPolicy,
  });
  refused = { number: refusedApp.number, child: r.child.fullName };
  staff = s;
  admin = await createStaff(database, ['admin']);
  server = await startServer(database);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

const TEXT = {
  kk: { district: 'Сынақ ауданы', checksum: 'ЖСН бақылау цифрынан өтпеді', valid: 'ЖСН дұрыс. Туған күні', elsewhere: 'басқа аудандағы', here: 'қолданыстағы', application: 'Өтініш', refused: 'Бас тартылды' },
  ru: { district: 'Тестовый район', checksum: 'ИИН не прошёл проверку', valid: 'ИИН верный. Дата рождения', elsewhere: 'в другом районе', here: 'действующее заявление', application: 'Заявление', refused: 'Отказано' },
};

async function openAs(locale: 'kk' | 'ru', who: { login: string; password: string }) {
  const watched = await watchedPage(browser);
  await watched.page.addInitScript((l) => localStorage.setItem('RaStore.locale', JSON.stringify(l)), locale);
  await signInAs(watched.page, server.url, who.login, who.password);
  return watched;
}

describe.each(['kk', 'ru'] as const)('at the desk in Chromium, %s', (locale) => {
  const t = TEXT[locale];

  it('fills in the only district and checks the child’s IIN as it is typed', async () => {
    const { page, problems, close } = await openAs(locale, staff);
    await page.goto(`${server.url}/admin/#/applications/create`);
    await page.locator('.ra-input-districtId [role=combobox]').getByText(t.district).waitFor();
    const iin = page.locator('input[name="child.iin"]');
    const check = page.getByTestId('iin-check');
    await iin.pressSequentially(here.iin.slice(0, 5), { delay: 20 });
    await check.getByText('5 / 12').waitFor();
    // A wrong check digit is said before anything else is typed.
    await iin.pressSequentially(`${here.iin.slice(5, 11)}${(Number(here.iin[11]) + 1) % 10}`, { delay: 20 });
    await check.getByText(t.checksum).waitFor();
    await iin.fill(elsewhere.iin);
    await check.getByText(t.elsewhere).waitFor();
    await iin.fill(here.iin);
    await check.getByText(`${t.valid}: ${formatDay(here.birthDate)}`).waitFor();
    await check.getByText(here.number, { exact: false }).waitFor();
    await shot(page, `${locale}-intake`);
    expect(problems).toEqual([]);
    await close();
  });

  it('exports as many rows as the list shows in total', async () => {
    const { page, problems, close } = await openAs(locale, staff);
    await page.goto(`${server.url}/admin/#/applications`);
    await page.locator('tbody tr').nth(24).waitFor();
    const shown = (await page.locator('.MuiTablePagination-displayedRows').textContent())!;
    const total = Number(/(\d+)\s*$/.exec(shown.trim())![1]);
    expect(total).toBe(31);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[href*="/applications/export"]').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines.length - 1).toBe(total);
    expect(lines[1]).toContain(locale === 'kk' ? 'Кезекте' : 'В очереди');
    expect(problems).toEqual([]);
    await close();
  });

  it('opens the list behind a dashboard tile', async () => {
    const { page, problems, close } = await openAs(locale, staff);
    await page.goto(`${server.url}/admin/#/`);
    const waiting = page.getByTestId('tile-link').first();
    await waiting.getByText('31').waitFor();
    await waiting.click();
    await page.locator('tbody tr').nth(24).waitFor();
    expect(decodeURIComponent(page.url())).toContain('"status":"registered"');
    await expect.poll(async () => (await page.locator('.MuiTablePagination-displayedRows').textContent())?.trim()).toMatch(/31$/);
    expect(problems).toEqual([]);
    await close();
  });

  it('shows the audit log with application numbers, children, statuses and comments in words', async () => {
    const { page, problems, close } = await openAs(locale, admin);
    await page.goto(`${server.url}/admin/#/audit-log?filter=${encodeURIComponent(JSON.stringify({ applicationNumber: refused.number }))}`);
    const row = page.locator('tbody tr', { hasText: COMMENT });
    await row.waitFor();
    await row.getByText(`${t.application} ${refused.number} · ${refused.child}`).waitFor();
    await row.getByText(t.refused, { exact: false }).first().waitFor();
    expect(await page.locator('tbody tr').count()).toBe(3);
    // No export that would stop at the page shown.
    expect(await page.getByRole('button', { name: /экспорт/i }).count()).toBe(0);
    await shot(page, `${locale}-audit`);
    // No JSON and no internal ids: the application is named by its number.
    const text = (await page.locator('tbody').textContent())!;
    expect(text).not.toMatch(/[{}]/);
    expect(text).not.toContain(`${t.application} #`);
    expect(problems).toEqual([]);
    await close();
  });
});
