/**
 * While the database is away the API answers 503 with Retry-After and a message key; the panel's
 * HTTP client turns that into the error react-admin shows, in the staff member's language.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { HttpError } from 'react-admin';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { unavailable } from '../../admin/server/unavailable.ts';
import { httpClient } from '../../admin/web/providers/http.ts';
import { i18nProvider } from '../../admin/web/providers/i18n-provider.ts';
import { createI18n } from '../../locales/index.ts';

let server: ReturnType<typeof serve>;
let url = '';
beforeAll(async () => {
  server = serve({ port: 0, hostname: '127.0.0.1', fetch: new Hono().get('/api/applications', (c) => unavailable(c)).fetch });
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/applications`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

it('shows "temporarily unavailable, try again" in the staff member\'s language', async () => {
  const raw = await fetch(url);
  expect(raw.status).toBe(503);
  expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);

  const error = await httpClient(url).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(HttpError);
  expect((error as HttpError).status).toBe(503);
  const i18n = await createI18n();
  for (const locale of ['kk', 'ru'] as const) {
    await i18nProvider.changeLocale(locale);
    expect(i18nProvider.translate((error as HttpError).message)).toBe(i18n.getFixedT(locale)('errors.unavailable'));
  }
});
