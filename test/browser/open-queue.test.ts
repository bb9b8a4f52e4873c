/**
 * The open queue's public page in a real browser, without signing in: Kazakh by default, the
 * switch to Russian and back, a parent's code marking their row, and the unreachable-parents list
 * in the panel with the "call outcome" dialog. Screenshots go to test-results/ (look at them).
 */
import { mkdirSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitApplication } from '../../core/applications.ts';
import { localDate } from '../../core/calendar.ts';
import { openContactCheck } from '../../core/contact-checks.ts';
import { exportQueue, formatOpenQueueCode, openQueueCodesOf } from '../../core/open-queue.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { getPosition } from '../../core/position.ts';
import type { Database } from '../../db/client.ts';
import { applications } from '../../db/schema/index.ts';
import { createStaff } from '../support/admin.ts';
import { launchBrowser, signInAs, startServer, watchedPage } from '../support/browser.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces } from '../support/factories.ts';

const SHOTS = 'test-results';
const DAY = 86_400_000;
const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/browser-open-queue-${name}.png`, fullPage: true });

let database: Database;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let queueId: number;
let mine: { id: number; number: string; code: string; position: number };
let staffLogin: { login: string; password: string };

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  database = await openTestDatabase();
  const places = await createPlaces(database.db, { kindergartens: 4 });
  const year = new Date().getUTCFullYear() - 3;
  const ids: number[] = [];
  for (let i = 0; i < 14; i++) {
    const when = new Date(Date.now() - (i < 7 ? 40 : i < 12 ? 20 : 3 + i) * DAY + i * 60_000);
    const input = applicationInput(places, { childYear: year, at: when, kindergartenIds: i < 12 ? places.kindergartenIds.slice(0, 2) : places.kindergartenIds.slice(2, 3) });
    const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, defaultPolicy, when);
    queueId = application.queueId;
    ids.push(application.id);
  }
  const id = ids[9]!;
  const code = (await openQueueCodesOf(database.db, [id])).get(id)!.code;
  await database.db.transaction((tx) => exportQueue(tx, queueId, localDate(new Date()), defaultPolicy));
  mine = { id, number: '', code, position: (await getPosition(database.db, id, defaultPolicy))!.position };
  // A parent who did not answer the phone question in time, for the panel's list.
  const [app] = await database.db.select().from(applications).where(eq(applications.id, ids[0]!));
  await database.db.transaction((tx) =>
    openContactCheck(tx, { applicantId: app!.applicantId, reason: 'yearly', now: new Date(Date.now() - 30 * DAY), policy: defaultPolicy, ask: false }),
  );
  staffLogin = await createStaff(database, ['admin']);
  server = await startServer(database);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

describe('the public page', () => {
  it('Kazakh by default, a switch to Russian, and a code marks the parent\'s row', async () => {
    const { page, problems, close } = await watchedPage(browser);
    await page.goto(`${server.url}/open/queues`);
    await expect.poll(() => page.locator('h2').textContent()).toBe('Барлық кезектер');
    await page.click(`a[href^="/open/queues/${queueId}?"]`);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('kk');
    expect(await page.locator('tbody tr').count()).toBe(14);
    await shot(page, 'kk');

    await page.fill('#code', formatOpenQueueCode(mine.code));
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[data-verdict]').getAttribute('data-verdict')).toBe('found');
    expect(await page.locator('[data-mine] td').first().textContent()).toBe(String(mine.position));
    await shot(page, 'kk-found');

    await page.click('a[data-switch="ru"]');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ru');
    expect(await page.locator('h1').textContent()).toBe('Открытая очередь');
    expect(await page.locator('th').allTextContents()).toEqual(['Место в очереди', 'Дата постановки в очередь', 'Список', 'Статус', 'Детские сады']);
    await page.fill('#code', mine.code.toLowerCase());
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[data-verdict]').textContent()).toBe(`Ваша строка отмечена. Место в очереди: ${mine.position}.`);
    await shot(page, 'ru-found');
    await page.click('a[data-switch="kk"]');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('kk');
    expect(problems).toEqual([]);
    await close();
  });

  it('the panel lists the parent who did not confirm the phone and records the call', async () => {
    const { page, problems, close } = await watchedPage(browser);
    await signInAs(page, server.url, staffLogin.login, staffLogin.password);
    await page.goto(`${server.url}/admin/#/unreachable-parents`);
    const unconfirmed = () => page.getByText(/^(телефонды растамады|не подтвердил телефон)$/).count();
    await expect.poll(unconfirmed, { timeout: 15_000 }).toBeGreaterThan(0);
    await shot(page, 'panel-list');
    await page.getByRole('button', { name: /Қоңырау нәтижесі|Итог звонка/ }).first().click();
    await page.getByLabel(/Ескертпе|Примечание/).fill('анасы нөмірді растады');
    await shot(page, 'panel-call');
    await page.getByRole('dialog').getByRole('button', { name: /Растау|Подтвердить/ }).click();
    await expect.poll(unconfirmed, { timeout: 15_000 }).toBe(0);
    await shot(page, 'panel-after');
    expect(problems).toEqual([]);
    await close();
  });
});
