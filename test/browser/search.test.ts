/**
 * The applications list's search box in Chromium, as district staff use it: part of a name in
 * any case finds the child's or the parent's application; one or two letters get a hint instead
 * of an error. And the dashboard's deadline tile shows a figure once results exist.
 * Screenshots go to test-results/ (look at them).
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { createStaff } from '../support/admin.ts';
import { launchBrowser, signInAs, startServer, watchedPage } from '../support/browser.ts';

const SHOTS = 'test-results';
const parent = { type: 'parent', id: null } as const;
const CHILD = 'Қуанышбекова Әйгерім Ұланқызы';
const APPLICANT = 'Қуанышбеков Ерлан Һадиұлы';

let database: Database;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let places: Places;
let staff: { login: string; password: string };
let number: string;

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/browser-search-${name}.png`, fullPage: true });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  database = await openTestDatabase();
  places = await createPlaces(database.db);
  const input = applicationInput(places);
  input.child.fullName = CHILD;
  input.applicant.fullName = APPLICANT;
  number = (await submitApplication(database.db, input, parent, defaultPolicy)).application.number;
  // Others in the same district, so a search has something to leave out.
  for (const name of ['Сейітова Аружан Болатқызы', 'Иванова Мария Петровна', 'Әлімжанов Нұрислам Серікұлы']) {
    const other = applicationInput(places);
    other.child.fullName = name;
    await submitApplication(database.db, other, parent, defaultPolicy);
  }
  staff = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  server = await startServer(database);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

describe('the applications search box in Chromium', () => {
  it('asks for a third letter, then finds the child by part of a name in any case', async () => {
    const { page, problems, close } = await watchedPage(browser);
    await signInAs(page, server.url, staff.login, staff.password);
    await page.goto(`${server.url}/admin/#/applications`);
    const search = page.locator('input[name=q]');
    await search.waitFor();
    await page.locator('tbody tr').nth(3).waitFor();
    await search.pressSequentially('әй', { delay: 30 });
    // Kazakh is the panel's first language.
    await page.getByText('Аты-жөні бойынша іздеу үшін кемінде 3 әріп жазыңыз').waitFor();
    expect(await page.locator('tbody tr').count()).toBe(4);
    await shot(page, 'hint');
    await search.pressSequentially('ГЕРІМ', { delay: 30 });
    // A name search shows whose application it is: the parent's name may be what matched.
    await page.locator('tbody tr', { hasText: APPLICANT }).waitFor();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await page.locator('tbody tr', { hasText: number }).waitFor();
    await expect(page.getByText('Аты-жөні бойынша іздеу үшін').isVisible()).resolves.toBe(false);
    await shot(page, 'by-name');
    expect(problems).toEqual([]);
    await close();
  });

  it('finds the application by the parent’s patronymic and shows the deadline share on the dashboard', async () => {
    const { page, problems, close } = await watchedPage(browser);
    await signInAs(page, server.url, staff.login, staff.password);
    await page.goto(`${server.url}/admin/#/applications?filter=${encodeURIComponent(JSON.stringify({ q: 'ҺАДИҰЛ' }))}`);
    await page.locator('tbody tr', { hasText: CHILD }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    // All four were registered at once by the automatic checks: every result within 30 minutes.
    await page.goto(`${server.url}/admin/#/`);
    const tiles = page.getByTestId('tiles');
    await tiles.waitFor();
    await tiles.getByText(/^100\s%$/).waitFor();
    await tiles.getByText('4 нәтижеден 4 — 30 минут ішінде').waitFor();
    await shot(page, 'dashboard');
    expect(problems).toEqual([]);
    await close();
  });
});
