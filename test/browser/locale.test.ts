/**
 * Dates and the order of names in Chromium, in both languages: Chromium's ICU writes Kazakh dates
 * ISO-like (2026-12-02 06:20) and a byte order puts «Әуезов ауданы» last, so the panel writes its
 * own patterns (core/format.ts) and sorts with the language's collation.
 * Screenshots go to test-results/ (look at them).
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { districts } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { formatDateTime } from '../../core/format.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces } from '../support/factories.ts';
import { createStaff } from '../support/admin.ts';
import { launchBrowser, signInAs, startServer, watchedPage } from '../support/browser.ts';

const SHOTS = 'test-results';
const parent = { type: 'parent', id: null } as const;

let database: Database;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let admin: { login: string; password: string };
let app: { id: number; number: string; registeredAt: Date; birthDate: string };

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/browser-locale-${name}.png`, fullPage: true });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  database = await openTestDatabase();
  const places = await createPlaces(database.db);
  const [first] = await database.db.select().from(districts);
  // Added in an order that is neither alphabet's, after «Сынақ ауданы» of the factory.
  for (const [i, [kk, ru]] of ([
    ['Бостандық ауданы', 'Бостандыкский район'],
    ['Әуезов ауданы', 'Ауэзовский район'],
    ['Алмалы ауданы', 'Алмалинский район'],
  ] as const).entries()) {
    await database.db.insert(districts).values({ localityId: first!.localityId, code: `x${i}${Date.now().toString(36)}`, nameKk: kk, nameRu: ru });
  }
  const input = applicationInput(places);
  const result = await submitApplication(database.db, input, parent, defaultPolicy);
  app = { ...result.application, birthDate: input.child.birthDate };
  admin = await createStaff(database, ['admin']);
  server = await startServer(database);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

const EXPECTED = {
  kk: ['Алмалы ауданы', 'Әуезов ауданы', 'Бостандық ауданы', 'Сынақ ауданы'],
  ru: ['Алмалинский район', 'Ауэзовский район', 'Бостандыкский район', 'Тестовый район'],
};

describe.each(['kk', 'ru'] as const)('dates and order in Chromium, %s', (locale) => {
  it('writes dd.MM.yyyy HH:mm in Almaty time and sorts the districts alphabetically', async () => {
    const { page, problems, close } = await watchedPage(browser);
    await page.addInitScript((l) => localStorage.setItem('RaStore.locale', JSON.stringify(l)), locale);
    await signInAs(page, server.url, admin.login, admin.password);
    await page.goto(`${server.url}/admin/#/applications`);
    const row = page.locator('tbody tr', { hasText: app.number });
    await row.waitFor();
    const registered = formatDateTime(app.registeredAt);
    expect(registered).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
    await row.getByText(registered).waitFor();
    expect(await row.textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}/);

    // The district filter lists the districts in the language's alphabetical order.
    await page.locator('.ra-input-districtId [role=combobox]').first().click();
    const options = page.locator('[role=listbox] [role=option]');
    await options.filter({ hasText: EXPECTED[locale][3] }).waitFor();
    const names = (await options.allTextContents()).map((s) => s.trim()).filter(Boolean);
    expect(names).toEqual(EXPECTED[locale]);
    await shot(page, `${locale}-districts`);
    await page.keyboard.press('Escape');

    // The application's page: the birth date as a day, the registration in Almaty time.
    await page.goto(`${server.url}/admin/#/applications/${app.id}/show`);
    const [y, m, d] = app.birthDate.split('-');
    await page.getByText(`${d}.${m}.${y}`, { exact: true }).waitFor();
    await page.getByText(registered, { exact: true }).first().waitFor();
    expect(await page.locator('#main-content').textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    await shot(page, `${locale}-application`);
    expect(problems).toEqual([]);
    await close();
  });
});
