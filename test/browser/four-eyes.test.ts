/**
 * Issue #17, four eyes, in Chromium: a clerk who approves a priority right alone is told it waits
 * for a second approval by another staff member, cannot approve it again, finds it in the list of
 * claims waiting and on the dashboard; a colleague grants it. Screenshots go to test-results/.
 */
import { mkdirSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applications, documents } from '../../db/schema/index.ts';
import { attachDocument } from '../../core/attachments.ts';
import { submitApplication } from '../../core/applications.ts';
import { formatDate } from '../../core/format.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { createStaff, PDF_MINI } from '../support/admin.ts';
import { launchBrowser, signInAs, startServer, watchedPage } from '../support/browser.ts';

const SHOTS = 'test-results';
const policy = defaultPolicy;
const year = new Date().getUTCFullYear() - 3;

let database: Database;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let places: Places;

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/browser-four-eyes-${name}.png`, fullPage: true, animations: 'disabled' });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  database = await openTestDatabase();
  places = await createPlaces(database.db);
  server = await startServer(database, policy);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

const proofOf = async (id: number) => (await database.db.select().from(applications).where(eq(applications.id, id)))[0]!;

async function decide(page: Page) {
  await page.getByRole('button', { name: 'Жеңілдік бойынша шешім' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  return dialog;
}

describe('four eyes on a priority right, in the panel', () => {
  it('a clerk alone cannot grant it; a colleague can', async () => {
    const input = applicationInput(places, { childYear: year, priorityCategory: 'large_family' });
    input.child.fullName = 'Төлеген Нұрсұлтан Асқарұлы';
    const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, policy);
    const clerk = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
    const colleague = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });

    const first = await watchedPage(browser);
    await signInAs(first.page, server.url, clerk.login, clerk.password);
    await first.page.goto(`${server.url}/admin/#/applications/${application.id}/show`);
    await first.page.getByText('Төлеген Нұрсұлтан Асқарұлы').waitFor();
    let dialog = await decide(first.page);
    await dialog.locator('button[type=submit]').click();
    await first.page.getByText('Мақұлдау жазылды. Жеңілдік басқа қызметкердің екінші мақұлдауын күтуде').waitFor();
    const waiting = first.page.getByTestId('second-approval');
    await waiting.waitFor();
    expect(await waiting.innerText()).toContain('Басқа қызметкердің екінші мақұлдауын күтуде. Бірінші мақұлдаған: Сынақ Қызметкер');
    await shot(first.page, '01-waiting-for-second');
    // The right is not granted: the child waits in the general list.
    expect(await proofOf(application.id)).toMatchObject({ priorityProof: 'pending', queueCategory: 2 });

    // The same clerk may only deny it now.
    dialog = await decide(first.page);
    expect(await dialog.getByTestId('priority-second-approval').innerText()).toContain('Сіз бұл жеңілдікті мақұлдағансыз');
    expect(await dialog.getByRole('radio', { name: 'Растау' }).isDisabled()).toBe(true);
    expect(await dialog.getByRole('radio', { name: 'Қабылдамау' }).isChecked()).toBe(true);
    await shot(first.page, '02-first-approver-may-only-deny');
    await dialog.getByRole('button', { name: 'Болдырмау' }).click();

    // The dashboard counts it; its tile opens the list of claims waiting.
    await first.page.goto(`${server.url}/admin/#/`);
    const tile = first.page.getByTestId('tiles').locator('a', { hasText: 'Екінші мақұлдауды күтетін жеңілдіктер' });
    await tile.waitFor();
    expect(await tile.innerText()).toMatch(/Екінші мақұлдауды күтетін жеңілдіктер\s+1\s+ең ескісі:/);
    await shot(first.page, '03-dashboard');
    await tile.click();
    await first.page.locator('tbody tr', { hasText: application.number }).waitFor();
    expect(await first.page.locator('tbody tr').count()).toBe(1);
    await shot(first.page, '04-list-waiting');
    expect(first.problems).toEqual([]);
    await first.close();

    const second = await watchedPage(browser);
    await signInAs(second.page, server.url, colleague.login, colleague.password);
    await second.page.goto(`${server.url}/admin/#/applications/${application.id}/show`);
    await second.page.getByTestId('second-approval').waitFor();
    dialog = await decide(second.page);
    expect(await dialog.getByTestId('priority-second-approval').innerText()).toContain('Бұл жеңілдікті басқа қызметкер мақұлдаған');
    await dialog.locator('button[type=submit]').click();
    await second.page.getByText('Жеңілдік бойынша шешім жазылды').waitFor();
    await second.page.getByTestId('second-approval').waitFor({ state: 'detached' });
    // Both decisions in the history, by two people, with the proof's states in words.
    const history = second.page.locator('tr', { hasText: 'Жеңілдікті бірінші қызметкер мақұлдады' });
    expect(await history.innerText()).toContain(clerk.login);
    expect(await second.page.locator('tr', { hasText: 'Жеңілдік расталды' }).innerText()).toMatch(new RegExp(`${colleague.login}[\\s\\S]*Тексерілуде → Расталды`));
    await shot(second.page, '05-granted-by-colleague');
    expect(await proofOf(application.id)).toMatchObject({ priorityProof: 'verified', queueCategory: 1 });
    expect(second.problems).toEqual([]);
    await second.close();
  });

  it('warns that a work certificate may lapse before it is verified', async () => {
    const input = applicationInput(places, { childYear: year, priorityCategory: 'military' });
    const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, policy);
    await attachDocument(database.db, { applicationId: application.id, kind: 'priority_proof', fileName: 'анықтама.pdf', bytes: PDF_MINI, actor: { type: 'parent', id: null }, policy });
    const sentAt = new Date(Date.now() - 26 * 86_400_000);
    await database.db.update(documents).set({ createdAt: sentAt }).where(eq(documents.applicationId, application.id));
    const clerk = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
    const { page, problems, close } = await watchedPage(browser);
    await signInAs(page, server.url, clerk.login, clerk.password);
    await page.goto(`${server.url}/admin/#/applications/${application.id}/show`);
    const warning = page.getByTestId('certificate-warning');
    await warning.waitFor();
    const until = formatDate(new Date(sentAt.getTime() + policy.certificateValidityDays * 86_400_000));
    expect(await warning.innerText()).toBe(
      `Жұмыс орнынан анықтама ең кешінде мына күнге дейін жарамды: ${until}, ал тексеру әдетте ${policy.proofVerificationDays} күн алады — тексерілгенше мерзімі өтуі мүмкін. Өтініш берушіден жаңа анықтама сұраңыз.`,
    );
    await shot(page, '06-certificate-warning');
    expect(problems).toEqual([]);
    await close();
  });
});
