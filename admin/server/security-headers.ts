/**
 * The default CSP lets nothing load, which suits JSON; pages that render HTML set their own with
 * pageHeaders, and the outer layer keeps it.
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

export function securityHeaders(config: Pick<Config, 'PUBLIC_URL'>): MiddlewareHandler {
  return secureHeaders({
    ...common(config),
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    overwrite: false,
  });
}

export function pageHeaders(config: Pick<Config, 'PUBLIC_URL'>, csp: Csp, options: Partial<SecureHeadersOptions> = {}): MiddlewareHandler {
  return secureHeaders({ ...common(config), ...options, contentSecurityPolicy: { ...csp, frameAncestors: ["'none'"] } });
}
