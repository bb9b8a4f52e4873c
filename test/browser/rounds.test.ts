/**
 * Allocation rounds in Chromium against the real server (createServer on a random port, PGlite
 * in-process, the built panel): district staff open the rounds from the menu, preview a round for
 * their district, see which child gets which group and who is skipped and why, commit it after the
 * confirmation dialog; in a region whose freeze is on, the preview is refused with a clear
 * message. Screenshots go to test-results/ (look at them).
 */
import { mkdirSync } from 'node:fs';
import { and, eq, inArray } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { allocationRounds, applications, groups, referrals } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { createStaff } from '../support/admin.ts';
import { launchBrowser, signInAs, startServer, watchedPage } from '../support/browser.ts';

const SHOTS = 'test-results';
// Whatever the date of the run: one server with no freeze, one whose freeze covers the year.
const open: Policy = { ...defaultPolicy, freeze: { from: { month: 2, day: 30 }, to: { month: 2, day: 30 } } };
const frozen: Policy = { ...defaultPolicy, freeze: { from: { month: 1, day: 1 }, to: { month: 12, day: 31 } } };
const year = new Date().getUTCFullYear() - 3;
const parent = { type: 'parent', id: null } as const;

let database: Database;
let server: Awaited<ReturnType<typeof startServer>>;
let frozenServer: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let places: Places;
let staff: { login: string; password: string };
const children: Record<string, number> = {};

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/browser-rounds-${name}.png`, fullPage: true });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  database = await openTestDatabase();
  places = await createPlaces(database.db);
  const [kg1, kg2, kg3] = places.kindergartenIds as [number, number, number];
  // Three free seats in the district: one in kindergarten 1's group, two in kindergarten 2's.
  await database.db.update(groups).set({ capacity: 25, enrolled: 25 }).where(inArray(groups.id, places.groupIds));
  const groupOf = async (kindergartenId: number) =>
    (await database.db.select().from(groups).where(and(eq(groups.kindergartenId, kindergartenId), eq(groups.birthYear, year), eq(groups.language, 'kk'))))[0]!;
  await database.db.update(groups).set({ enrolled: 24 }).where(eq(groups.id, (await groupOf(kg1)).id));
  await database.db.update(groups).set({ enrolled: 23 }).where(eq(groups.id, (await groupOf(kg2)).id));
  const waiting: [string, number[]][] = [
    ['Әлімбек Нұрай Асқарқызы', [kg1, kg2]],
    ['Бекболат Ерасыл Нұрланұлы', [kg1]],
    ['Қасымова Аружан Бақытқызы', [kg2, kg1]],
    ['Серікұлы Дәулет Маратұлы', [kg3, kg2]],
    ['Тоқтарова Іңкәр Ержанқызы', [kg1, kg2]],
    ['Жақсылықов Әмір Ғаниұлы', [kg2]],
  ];
  for (const [name, kindergartenIds] of waiting) {
    const input = applicationInput(places, { childYear: year, language: 'kk', kindergartenIds });
    input.child.fullName = name;
    children[name] = (await submitApplication(database.db, input, parent, open)).application.id;
  }
  // Her offer lapsed last week: on the stop list for a few more days.
  await database.db
    .update(applications)
    .set({ stopUntil: new Date(Date.now() + 3 * 86_400_000) })
    .where(eq(applications.id, children['Тоқтарова Іңкәр Ержанқызы']!));
  staff = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  server = await startServer(database, open);
  frozenServer = await startServer(database, frozen);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await frozenServer?.close();
  await database?.close();
});

describe('allocation rounds in Chromium', () => {
  it('district staff preview a round, see children, groups and who is skipped, and commit it', async () => {
    const { page, problems, close } = await watchedPage(browser);
    await signInAs(page, server.url, staff.login, staff.password);
    await page.getByRole('menuitem', { name: 'Орындарды бөлу' }).click();
    await page.getByRole('link', { name: 'Жаңа бөлу' }).click();
    const form = page.locator('form');
    await form.getByText('Алдын ала қарау ештеңені өзгертпейді').waitFor();
    // The alternation is the region's setting (policy.generalPerBeneficiary), read from the server.
    expect(await form.getByTestId('round-help').innerText()).toContain('жеңілдігі барлар мен жалпы кезектің кезектесуі (1:3)');
    await form.getByRole('combobox', { name: 'Аудан' }).click();
    await page.getByRole('option', { name: 'Сынақ ауданы' }).click();
    await shot(page, '01-new');
    await page.getByRole('button', { name: 'Кім орын алатынын көру' }).click();

    const offers = page.getByTestId('round-offers');
    await offers.waitFor();
    await page.getByText('Алдын ала нәтиже дайын: бос орын — 3, орын алатын бала — 3').waitFor();
    const rows = offers.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    const table = await rows.allInnerTexts();
    // Queue order, each to the best of their choices that still had a seat.
    expect(table[0]).toContain('Әлімбек Нұрай Асқарқызы');
    expect(table[0]).toContain('№ 1 «Балапан» балабақшасы');
    expect(table[0]).toContain('1-таңдау');
    expect(table[1]).toContain('Қасымова Аружан Бақытқызы');
    expect(table[1]).toContain('№ 2 «Балапан» балабақшасы');
    expect(table[2]).toContain('Серікұлы Дәулет Маратұлы');
    expect(table[2]).toContain('№ 2 «Балапан» балабақшасы');
    expect(table[2]).toContain('2-таңдау');
    expect(table.join('\n')).toContain('жалпы кезек');
    const skipped = await page.getByTestId('round-skipped').locator('tbody tr').allInnerTexts();
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toContain('Бекболат Ерасыл Нұрланұлы');
    expect(skipped[0]).toContain('Таңдалған балабақшаларда орын қалмады: оларды кезекте алдыңғы балалар алды');
    expect(skipped[1]).toContain('Тоқтарова Іңкәр Ержанқызы');
    expect(skipped[1]).toContain('Стоп-парақта: әзірге орын ұсынылмайды');
    await page.getByText('Бұл — алдын ала қарау').waitFor();
    await shot(page, '02-preview');
    // Nothing changed yet.
    expect(await database.db.select().from(referrals).where(inArray(referrals.applicationId, Object.values(children)))).toEqual([]);

    await page.getByRole('button', { name: 'Бекіту және орын ұсыну' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Орын ұсынылатын балалар: 3 (бос орын: 3)').waitFor();
    await shot(page, '03-confirm');
    await dialog.getByRole('button', { name: 'Бекіту және орын ұсыну' }).click();
    await page.getByText('Бөлу бекітілді: орын ұсынылған балалар — 3').waitFor();
    await page.getByText('Кімге орын ұсынылды').waitFor();
    await page.getByText('Бекітілді', { exact: true }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Бекіту және орын ұсыну' }).count()).toBe(0);
    // The status chip fades from orange to green.
    await page.waitForTimeout(500);
    await shot(page, '04-committed');

    const [round] = await database.db.select().from(allocationRounds).where(eq(allocationRounds.districtId, places.districtId));
    expect(round?.status).toBe('committed');
    const offered = await database.db.select({ applicationId: referrals.applicationId }).from(referrals).where(eq(referrals.roundId, round!.id));
    expect(offered.map((o) => o.applicationId).sort()).toEqual(
      ['Әлімбек Нұрай Асқарқызы', 'Қасымова Аружан Бақытқызы', 'Серікұлы Дәулет Маратұлы'].map((n) => children[n]!).sort(),
    );
    // The list shows it.
    await page.getByRole('menuitem', { name: 'Орындарды бөлу' }).click();
    // The round's page also has a table: wait for the list's URL before reading its first row.
    await page.waitForURL(/#\/rounds$/);
    await page.locator('tbody tr', { hasText: 'Сынақ ауданы' }).first().waitFor();
    expect(await page.locator('tbody tr').first().innerText()).toContain('Сынақ ауданы');
    await shot(page, '05-list');
    // A child still waiting: the application page gives an honest expected wait (a new queue: not enough data).
    await page.goto(`${server.url}/admin/#/applications/${children['Жақсылықов Әмір Ғаниұлы']}/show`);
    const wait = page.getByTestId('expected-wait');
    await wait.waitFor();
    expect(await wait.innerText()).toBe('деректер жеткіліксіз (осы кезекте соңғы бір жылда берілген орын: 0)');
    await page.getByText('Қанша күту керек').waitFor();
    await shot(page, '07-application-wait');
    expect(problems).toEqual([]);
    await close();
  });

  it('shows the freeze as a clear message when no referrals may be given', async () => {
    const { page, problems, close } = await watchedPage(browser);
    await signInAs(page, frozenServer.url, staff.login, staff.password);
    await page.goto(`${frozenServer.url}/admin/#/rounds/create`);
    await page.locator('form').getByRole('combobox', { name: 'Аудан' }).click();
    await page.getByRole('option', { name: 'Сынақ ауданы' }).click();
    await page.getByRole('button', { name: 'Кім орын алатынын көру' }).click();
    // On the page, where it stays, and in the notification.
    const refused = page.getByTestId('round-refused');
    await refused.waitFor();
    expect(await refused.innerText()).toBe('01.01–31.12 аралығында жолдама берілмейді: балалар келесі жас топтарына ауысады.');
    await page.locator('.MuiSnackbar-root', { hasText: 'жолдама берілмейді' }).waitFor();
    await page.waitForTimeout(500);
    await shot(page, '06-freeze');
    expect(await database.db.select().from(allocationRounds).where(eq(allocationRounds.districtId, places.districtId))).toHaveLength(1);
    // The refusal was a 409, on purpose.
    expect(problems.filter((p) => !p.includes('status of 409'))).toEqual([]);
    await close();
  });
});
