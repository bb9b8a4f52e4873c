import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
import type { Database } from '../../db/client.ts';
import type { Policy } from '../../core/policy.ts';
import { testServer } from './admin.ts';
import { CHROMIUM_ARGS } from './chromium.ts';

export async function startServer(database: Database, policy?: Policy): Promise<{ url: string; close: () => Promise<void> }> {
  const app = testServer(database, policy);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: inject('chromiumPath'), args: CHROMIUM_ARGS });
}

/** Dialogs other than the panel's own confirm/prompt are failures: an alert() would mean injected markup ran. */
export async function watchedPage(browser: Browser, answers: { prompt?: string } = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ru-RU', timezoneId: 'Asia/Almaty' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // The panel asks /api/auth/me before anyone signed in: that 401 is expected.
    if (m.type() === 'error' && !m.text().includes('401')) problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', async (d) => {
    if (d.type() === 'alert') problems.push(`alert: ${d.message()}`);
    if (d.type() === 'prompt') await d.accept(answers.prompt ?? '');
    else await d.accept();
  });
  return { page, problems, close: () => context.close() };
}

export async function signInAs(page: Page, base: string, login: string, password: string): Promise<void> {
  await page.goto(`${base}/admin/#/login`);
  await page.locator('input[name=username]').fill(login);
  await page.locator('input[name=password]').fill(password);
  await page.keyboard.press('Enter');
  // Signed in once the app shell (or the forced password change) is on screen.
  await page.locator('#main-content, input[name=current]').first().waitFor();
}
