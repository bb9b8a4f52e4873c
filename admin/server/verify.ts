/**
 * No login and no personal data. The link carries the referral's random token, not its number:
 * numbers are sequential, and answering them would let anyone count the referrals issued.
 */
import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import ipaddr from 'ipaddr.js';
import { html, raw } from 'hono/html';
import type { i18n, TFunction } from 'i18next';
import { localDate } from '../../core/calendar.ts';
import { checkReferral, type ReferralCheck } from '../../core/document-data.ts';
import { formatDateTime } from '../../core/documents-pdf.ts';
import { formatDate } from '../../core/format.ts';
import { createI18n, LANGUAGES, type Language } from '../../locales/index.ts';
import { clientAddress } from './client-address.ts';
import type { ServerDeps } from './index.ts';
import { pageHeaders } from './security-headers.ts';

export interface VerifyDeps extends Pick<ServerDeps, 'database' | 'config' | 'policy'> {
  i18n?: i18n;
  now?: () => Date;
}

const day = (instant: Date | null) => (instant ? formatDate(instant) : '—');

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;background:#f4f5f7;color:#1d1f23}
main{max-width:40rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.1rem;color:#555;margin:0 0 .25rem}h2{font-size:1.5rem;margin:0 0 1rem}
.verdict{padding:1rem;border-radius:6px;margin:0 0 1rem;font-weight:600}
.ok{background:#e6f4ea;color:#0d5c2a}.bad{background:#fde8e8;color:#8a1111}.info{background:#eef1f6;color:#333}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin:0 0 1rem}dt{color:#666}dd{margin:0}
.note{font-size:.85rem;color:#666}nav{text-align:right;font-size:.9rem}`;

/** The page's one style block, allowed by its hash: no inline script or style can be slipped in. */
const CSP = {
  defaultSrc: ["'none'"],
  styleSrc: [`'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/** IPv6 clients usually hold a whole /64: counting per address would let one client count as many. */
export function rateKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16)).join(':')}::/64`;
}

function page(t: TFunction, lang: Language, title: string, body: ReturnType<typeof html>) {
  const other = lang === 'kk' ? 'ru' : 'kk';
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<main>
<nav><a href="?lang=${other}" hreflang="${other}" lang="${other}">${t('documents.verify.otherLanguage')}</a></nav>
<h1>${t('documents.verify.title')}</h1>
${body}
</main>
</body>
</html>`;
}

function foundBody(t: TFunction, lang: Language, provider: string, check: Extract<ReferralCheck, { found: true }>, now: Date) {
  const heading = html`<h2>${t('documents.verify.heading', { number: check.number })}</h2>`;
  const checkedAt = html`<p class="note">${t('documents.verify.checkedAt', { date: formatDateTime(t, now) })}</p>`;
  if (!check.genuine) {
    // Nothing from a row that fails its signature is worth showing.
    return html`${heading}<p class="verdict bad" data-verdict="not-genuine">${t('documents.verify.notGenuine', { provider })}</p>${checkedAt}`;
  }
  const stateClass = check.state === 'valid' ? 'ok' : check.state === 'enrolled' ? 'info' : 'bad';
  return html`${heading}
<p class="verdict ok" data-verdict="genuine">${t('documents.verify.genuine')}</p>
<p class="verdict ${stateClass}" data-state="${check.state}">${t(`documents.verify.state.${check.state}`, { date: day(check.validUntil), provider })}</p>
<dl>
<dt>${t('documents.verify.provider')}</dt><dd>${provider}</dd>
<dt>${t('documents.verify.kindergarten')}</dt><dd>${check.kindergartenName[lang]}</dd>
<dt>${t('documents.verify.place')}</dt><dd>${t('documents.place', { locality: check.locality[lang], district: check.district[lang] })}</dd>
<dt>${t('documents.verify.group')}</dt><dd>${t('documents.referral.groupValue', {
    year: check.group.birthYear,
    language: t(`documents.instructionLanguage.${check.group.language}`),
  })}</dd>
<dt>${t('documents.verify.issuedAt')}</dt><dd>${day(check.issuedAt)}</dd>
<dt>${t('documents.verify.validUntil')}</dt><dd>${day(check.validUntil)}</dd>
</dl>
<p class="note">${t('documents.verify.privacy')}</p>
${checkedAt}`;
}

export function verifyRoutes(deps: VerifyDeps): Hono {
  let i18nReady: Promise<i18n> | undefined;
  const translator = async (lang: Language) => (deps.i18n ?? (await (i18nReady ??= createI18n()))).getFixedT(lang);
  const now = deps.now ?? (() => new Date());

  const langOf = (c: Context): Language => LANGUAGES.find((l) => l === c.req.query('lang')) ?? 'kk';
  const limit = rateLimiter({
    windowMs: 60_000,
    limit: deps.config.VERIFY_RATE_LIMIT,
    keyGenerator: (c) => rateKey(clientAddress(c, deps.config)),
    handler: async (c) => {
      if (c.req.path.endsWith('.json')) return c.json({ error: 'rate_limited' }, 429);
      const t = await translator(langOf(c));
      const body = html`<p class="verdict info" data-verdict="rate-limited">${t('documents.verify.rateLimited')}</p>`;
      return c.html(page(t, langOf(c), t('documents.verify.title'), body), 429);
    },
  });

  return new Hono()
    .use(pageHeaders(deps.config, CSP))
    .use(async (c, next) => {
      c.header('Cache-Control', 'no-store');
      c.header('X-Robots-Tag', 'noindex');
      await next();
    })
    .use(limit)
    .get('/:token', async (c) => {
      const param = c.req.param('token');
      const asJson = param.endsWith('.json');
      const token = asJson ? param.slice(0, -'.json'.length) : param;
      const lang = langOf(c);
      const at = now();
      const check = await checkReferral(deps.database.db, token, deps.config, at);

      if (asJson) {
        if (!check.found) return c.json({ found: false }, 404);
        return c.json({
          number: check.number,
          found: true,
          genuine: check.genuine,
          // A row that fails its signature says nothing reliable about its state.
          ...(check.genuine
            ? {
                state: check.state,
                issuedOn: check.issuedAt ? localDate(check.issuedAt) : null,
                validUntil: check.validUntil ? localDate(check.validUntil) : null,
                provider: deps.policy.provider,
                kindergarten: { number: check.kindergartenNumber, name: check.kindergartenName },
                district: check.district,
                group: check.group,
              }
            : {}),
          checkedAt: at.toISOString(),
        });
      }

      const t = await translator(lang);
      if (!check.found) {
        const body = html`<h2>${t('documents.verify.notFound')}</h2>
<p class="verdict bad" data-verdict="not-found">${t('documents.verify.notFoundHint', { provider: deps.policy.provider[lang] })}</p>`;
        return c.html(page(t, lang, t('documents.verify.title'), body), 404);
      }
      return c.html(page(t, lang, `${t('documents.verify.title')} · ${check.number}`, foundBody(t, lang, deps.policy.provider[lang], check, at)));
    });
}
