/** Public, no login; built once a day by core/open-queue.ts. Rate-limited per client address like /verify. */
import { createHash } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { html, raw } from 'hono/html';
import type { i18n, TFunction } from 'i18next';
import { latestExport, normalizeOpenQueueCode, openQueueCsv, type OpenRow, type PublishedQueue } from '../../core/open-queue.ts';
import { districts, openQueueExports, queues } from '../../db/schema/index.ts';
import { createI18n, LANGUAGES, type Language } from '../../locales/index.ts';
import { clientAddress } from './client-address.ts';
import type { ServerDeps } from './index.ts';
import { pageHeaders } from './security-headers.ts';
import { rateKey } from './verify.ts';

export interface OpenQueueDeps extends Pick<ServerDeps, 'database' | 'config'> {
  i18n?: i18n;
}

const PAGE_ROWS = 100;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;background:#f4f5f7;color:#1d1f23}
main{max-width:56rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.1rem;color:#555;margin:0 0 .25rem}h2{font-size:1.4rem;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e5e8}
th{color:#555;font-weight:600}tr.mine{background:#fff4cc;font-weight:600}
.verdict{padding:.8rem 1rem;border-radius:6px;margin:0 0 1rem}.ok{background:#e6f4ea;color:#0d5c2a}.bad{background:#fde8e8;color:#8a1111}
form{margin:0 0 1rem;display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}input{font:inherit;padding:.3rem .5rem}button{font:inherit;padding:.3rem .8rem}
.note{font-size:.85rem;color:#666}nav{display:flex;justify-content:space-between;font-size:.9rem;margin:0 0 .5rem}
.pages a{margin:0 .25rem}`;

const CSP = {
  defaultSrc: ["'none'"],
  styleSrc: [`'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

function page(t: TFunction, lang: Language, title: string, body: ReturnType<typeof html>, self: string) {
  const other = lang === 'kk' ? 'ru' : 'kk';
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<main>
<nav><a href="/open/queues?lang=${lang}">${t('open.allQueues')}</a><a href="${self}${self.includes('?') ? '&' : '?'}lang=${other}" hreflang="${other}" lang="${other}" data-switch="${other}">${t('open.otherLanguage')}</a></nav>
<h1>${t('open.title')}</h1>
${body}
</main>
</body>
</html>`;
}

function readable(date: string): string {
  return date.split('-').reverse().join('.');
}

function kindergartensText(t: TFunction, r: OpenRow): string {
  if (!r.kindergartens) return t('open.kindergartens.withheld');
  const numbers = r.kindergartens.map((n) => `№ ${n}`);
  if (r.kindergartensDetail === 'ranked') return numbers.join(' → ');
  if (r.kindergartensDetail === 'unordered') return t('open.kindergartens.unordered', { list: numbers.join(', ') });
  return t('open.kindergartens.first', { number: numbers[0] });
}

function queueTitle(t: TFunction, lang: Language, q: Pick<PublishedQueue, 'district' | 'birthYear' | 'language'>): string {
  return t('open.queue', { district: q.district[lang], year: q.birthYear, language: t(`open.language.${q.language}`) });
}

export function openQueueRoutes(deps: OpenQueueDeps): Hono {
  let i18nReady: Promise<i18n> | undefined;
  const translator = async (lang: Language) => (deps.i18n ?? (await (i18nReady ??= createI18n()))).getFixedT(lang);
  const langOf = (c: Context): Language => LANGUAGES.find((l) => l === c.req.query('lang')) ?? 'kk';
  const db = deps.database.db;

  const limit = rateLimiter({
    windowMs: 60_000,
    limit: deps.config.VERIFY_RATE_LIMIT,
    keyGenerator: (c) => rateKey(clientAddress(c, deps.config)),
    handler: async (c) => {
      if (/\.(json|csv)$/.test(c.req.path)) return c.json({ error: 'rate_limited' }, 429);
      const t = await translator(langOf(c));
      const body = html`<p class="verdict bad" data-verdict="rate-limited">${t('open.rateLimited')}</p>`;
      return c.html(page(t, langOf(c), t('open.title'), body, c.req.path), 429);
    },
  });

  return new Hono()
    .use(pageHeaders(deps.config, CSP))
    .use(async (c, next) => {
      // The codes typed into the page must not stay in a shared cache.
      c.header('Cache-Control', 'no-store');
      await next();
    })
    .use(limit)
    .get('/', async (c) => {
      const lang = langOf(c);
      const t = await translator(lang);
      const list = await db
        .selectDistinctOn([queues.id], {
          id: queues.id,
          birthYear: queues.birthYear,
          language: queues.language,
          kk: districts.nameKk,
          ru: districts.nameRu,
          day: openQueueExports.day,
        })
        .from(openQueueExports)
        .innerJoin(queues, eq(queues.id, openQueueExports.queueId))
        .innerJoin(districts, eq(districts.id, queues.districtId))
        .orderBy(queues.id, desc(openQueueExports.day));
      const items = list.map(
        (q) =>
          html`<tr><td><a href="/open/queues/${q.id}?lang=${lang}">${queueTitle(t, lang, { district: { kk: q.kk, ru: q.ru }, birthYear: q.birthYear, language: q.language })}</a></td>
<td>${readable(q.day)}</td><td><a href="/open/queues/${q.id}.csv">CSV</a> · <a href="/open/queues/${q.id}.json">JSON</a></td></tr>`,
      );
      const body = html`<h2>${t('open.allQueues')}</h2>
<p class="note">${t('open.about')}</p>
${list.length ? html`<table><thead><tr><th>${t('open.column.queue')}</th><th>${t('open.column.day')}</th><th>${t('open.column.files')}</th></tr></thead><tbody>${items}</tbody></table>` : html`<p>${t('open.none')}</p>`}`;
      return c.html(page(t, lang, t('open.title'), body, '/open/queues'));
    })
    .get('/:id', async (c) => {
      const param = c.req.param('id');
      const match = /^(\d{1,9})(?:\.(csv|json))?$/.exec(param);
      const exported = match ? await latestExport(db, Number(match[1])) : null;
      const format = match?.[2];
      if (format) {
        if (!exported) return c.json({ error: 'not_found' }, 404);
        if (format === 'csv') {
          c.header('Content-Disposition', `attachment; filename="queue-${exported.queueId}-${exported.day}.csv"`);
          return c.body(openQueueCsv(exported.rows), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
        }
        return c.json({
          queue: { id: exported.queueId, district: exported.district, birthYear: exported.birthYear, language: exported.language },
          day: exported.day,
          generatedAt: exported.createdAt.toISOString(),
          rows: exported.rows,
        });
      }

      const lang = langOf(c);
      const t = await translator(lang);
      if (!exported) {
        return c.html(page(t, lang, t('open.title'), html`<p class="verdict bad" data-verdict="not-found">${t('open.notFound')}</p>`, c.req.path), 404);
      }
      // The code finds the row only in this queue's latest export; the answer is the row, which is public anyway.
      const typed = c.req.query('code');
      const code = typed ? normalizeOpenQueueCode(typed) : null;
      const mine = code !== null ? (exported.lookup[code] ?? null) : null;
      const pages = Math.max(1, Math.ceil(exported.rows.length / PAGE_ROWS));
      const requested = Number(c.req.query('page'));
      const current = mine !== null ? Math.floor(mine / PAGE_ROWS) + 1 : Number.isInteger(requested) && requested >= 1 && requested <= pages ? requested : 1;
      const from = (current - 1) * PAGE_ROWS;
      const shown = exported.rows.slice(from, from + PAGE_ROWS);

      let verdict = html``;
      if (typed && mine !== null) {
        const row = exported.rows[mine]!;
        verdict = html`<p class="verdict ok" data-verdict="found">${
          row.position !== null ? t('open.found', { position: row.position }) : t('open.foundPlaced', { status: t(`status.${row.status}`) })
        }</p>`;
      } else if (typed) {
        verdict = html`<p class="verdict bad" data-verdict="code-not-found">${t('open.codeNotFound')}</p>`;
      }
      const tableRows = shown.map(
        (r, i) => html`<tr${from + i === mine ? raw(' class="mine" data-mine="1"') : ''}><td>${r.position ?? '—'}</td><td>${r.registered ? readable(r.registered) : t('open.withheld')}</td><td>${t(`open.list.${r.list}`)}</td><td>${t(`status.${r.status}`)}</td><td>${kindergartensText(t, r)}</td></tr>`,
      );
      const pageLinks =
        pages > 1
          ? html`<p class="pages">${t('open.pages')}: ${Array.from({ length: pages }, (_, i) =>
              i + 1 === current ? html`<strong>${i + 1}</strong>` : html`<a href="?lang=${lang}&page=${i + 1}">${i + 1}</a>`,
            )}</p>`
          : html``;
      const body = html`<h2>${queueTitle(t, lang, exported)}</h2>
<p class="note">${t('open.asOf', { day: readable(exported.day), count: exported.rows.length })} <a href="/open/queues/${exported.queueId}.csv">CSV</a> · <a href="/open/queues/${exported.queueId}.json">JSON</a></p>
<form method="get" action="/open/queues/${exported.queueId}">
<input type="hidden" name="lang" value="${lang}">
<label for="code">${t('open.codeLabel')}</label>
<input id="code" name="code" autocomplete="off" maxlength="20" value="${code ?? ''}">
<button type="submit">${t('open.find')}</button>
</form>
${verdict}
<table><thead><tr><th>${t('open.column.position')}</th><th>${t('open.column.registered')}</th><th>${t('open.column.list')}</th><th>${t('open.column.status')}</th><th>${t('open.column.kindergartens')}</th></tr></thead>
<tbody>${tableRows}</tbody></table>
${pageLinks}
<p class="note">${t('open.privacy')}</p>`;
      return c.html(page(t, lang, `${t('open.title')} · ${queueTitle(t, lang, exported)}`, body, `/open/queues/${exported.queueId}`));
    });
}
