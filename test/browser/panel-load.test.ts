/**
 * The panel's first load: the login page comes compressed and without the panel's pages or the
 * dashboard's charts, which arrive once a staff member is signed in. The assets are served as
 * the browser accepts them (brotli, gzip or plain), with Vary: Accept-Encoding.
 * Screenshots go to test-results/ (look at them).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { panelDir } from '../../admin/server/panel.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy } from '../../core/policy.ts';
import type { Database } from '../../db/client.ts';
import { createStaff } from '../support/admin.ts';
import { launchBrowser, startServer, watchedPage } from '../support/browser.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces } from '../support/factories.ts';

const SHOTS = 'test-results';
/** What the login page may cost on the wire, headers included. */
const LOGIN_BUDGET_BYTES = 450 * 1024;

let database: Database;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let staff: { login: string; password: string };

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/browser-panel-load-${name}.png`, fullPage: true });

interface Script {
  url: string;
  encoding: string | undefined;
  bytes: number;
  text: string;
}

/** Every script the page loads, with its Content-Encoding, its size on the wire and its text. */
function recordScripts(page: Page): { scripts: Script[]; settled: () => Promise<void> } {
  const scripts: Script[] = [];
  const pending: Promise<void>[] = [];
  const record = async (response: Response) => {
    if (response.request().resourceType() !== 'script') return;
    const sizes = await response.request().sizes();
    scripts.push({
      url: response.url(),
      encoding: (await response.allHeaders())['content-encoding'],
      bytes: sizes.responseBodySize + sizes.responseHeadersSize,
      text: await response.text(),
    });
  };
  page.on('response', (response) => void pending.push(record(response)));
  return { scripts, settled: async () => void (await Promise.all(pending)) };
}

/** A raw GET of the server, so that nothing decompresses the body on the way. */
function rawGet(path: string, acceptEncoding?: string): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  database = await openTestDatabase();
  const places = await createPlaces(database.db);
  // A few applications, so that the dashboard has something to chart.
  for (let i = 0; i < 3; i++) await submitApplication(database.db, applicationInput(places), { type: 'parent', id: null }, defaultPolicy);
  staff = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  server = await startServer(database);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await database?.close();
});

describe('the panel’s first load', () => {
  it('serves an asset as brotli, gzip or plain as asked, always with Vary: Accept-Encoding', async () => {
    const entry = /src="\/admin\/(assets\/index-[^"]+\.js)"/.exec(readFileSync(join(panelDir, 'index.html'), 'utf8'))?.[1];
    expect(entry).toBeDefined();
    const plain = readFileSync(join(panelDir, entry!));
    const br = await rawGet(`/admin/${entry}`, 'gzip, deflate, br, zstd');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(plain.length / 2);
    expect(brotliDecompressSync(br.body).equals(plain)).toBe(true);
    const gz = await rawGet(`/admin/${entry}`, 'gzip, deflate');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain)).toBe(true);
    const identity = await rawGet(`/admin/${entry}`);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers.vary).toMatch(/accept-encoding/i);
    expect(identity.body.equals(plain)).toBe(true);
    // The page keeps its policy: our own scripts only.
    const page = await rawGet('/admin/', 'gzip, br');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('loads the login page compressed, within its budget, without the pages or the charts; they come after sign-in', async () => {
    const { page, problems, close } = await watchedPage(browser);
    const login = recordScripts(page);
    await page.goto(`${server.url}/admin/`);
    await page.locator('input[name=username]').waitFor({ state: 'visible' });
    await page.waitForLoadState('networkidle');
    await login.settled();
    await shot(page, 'login');
    const atLogin = [...login.scripts];
    expect(atLogin.length).toBeGreaterThan(0);
    // A script of a few hundred bytes goes as it is (admin/web/build.ts compresses from 1 kB).
    for (const script of atLogin.filter((s) => s.text.length >= 1024)) {
      expect([script.url, script.encoding]).toEqual([script.url, expect.stringMatching(/^(br|gzip)$/)]);
    }
    expect(atLogin.reduce((sum, s) => sum + s.bytes, 0)).toBeLessThan(LOGIN_BUDGET_BYTES);
    // Neither the dashboard's charts nor the lists and forms of the resources.
    expect(atLogin.filter((s) => s.text.includes('recharts')).map((s) => s.url)).toEqual([]);
    expect(atLogin.filter((s) => s.text.includes('RaDatagrid')).map((s) => s.url)).toEqual([]);

    await page.locator('input[name=username]').fill(staff.login);
    await page.locator('input[name=password]').fill(staff.password);
    await page.keyboard.press('Enter');
    await page.locator('.recharts-surface').first().waitFor();
    await page.waitForLoadState('networkidle');
    await login.settled();
    await shot(page, 'dashboard');
    const afterSignIn = login.scripts.slice(atLogin.length);
    expect(afterSignIn.some((s) => s.text.includes('recharts'))).toBe(true);
    expect(afterSignIn.some((s) => s.text.includes('RaDatagrid'))).toBe(true);
    expect(problems).toEqual([]);
    await close();
  });
});
