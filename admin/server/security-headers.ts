/**
 * Security headers on every answer (Hono's secureHeaders): nosniff, no framing, no referrer,
 * same-origin resources, and HSTS when the service is reached over https (PUBLIC_URL). The
 * default Content-Security-Policy lets nothing load, which suits JSON; the pages that render
 * HTML (the panel, /verify) set their own policy with pageHeaders, and the outer layer keeps it.
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../../core/config.ts';

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;
type Csp = NonNullable<SecureHeadersOptions['contentSecurityPolicy']>;

function common(config: Pick<Config, 'PUBLIC_URL'>): Partial<SecureHeadersOptions> {
  return {
    // A year, without includeSubDomains: other hosts of the department's domain may not speak https.
    strictTransportSecurity: config.PUBLIC_URL?.startsWith('https:') ? 'max-age=31536000' : false,
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
  };
}

/** For the whole server: applied last, it leaves a page's own policy in place. */
export function securityHeaders(config: Pick<Config, 'PUBLIC_URL'>): MiddlewareHandler {
  return secureHeaders({
    ...common(config),
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    overwrite: false,
  });
}

/** For a route that serves HTML: its policy and the rest of the headers. */
export function pageHeaders(config: Pick<Config, 'PUBLIC_URL'>, csp: Csp, options: Partial<SecureHeadersOptions> = {}): MiddlewareHandler {
  return secureHeaders({ ...common(config), ...options, contentSecurityPolicy: { ...csp, frameAncestors: ["'none'"] } });
}
