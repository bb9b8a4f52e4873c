/**
 * The CSP lets nothing but our own scripts run: even markup that slipped into the database stays
 * inert. The build writes .br and .gz copies; the browser gets the one it accepts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Config } from '../../core/config.ts';
import { pageHeaders } from './security-headers.ts';

export const panelDir = fileURLToPath(new URL('../../dist/admin', import.meta.url));

const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // MUI (emotion) injects its styles at run time.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  // Documents open in the panel's own frame.
  frameSrc: ["'self'"],
  objectSrc: ["'self'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

export function panelRoutes(config: Pick<Config, 'PUBLIC_URL'>, dir: string = panelDir) {
  let assets: MiddlewareHandler | null = null;
  const app = new Hono();
  app.get('/', (c) => c.redirect('/admin/'));
  app.get('/admin', (c) => c.redirect('/admin/'));
  app.use('/admin/*', pageHeaders(config, CSP, { referrerPolicy: 'same-origin' }));
  app.get('/admin/*', async (c, next) => {
    if (!existsSync(join(dir, 'index.html'))) return c.json({ error: 'panel_not_built', hint: 'npm run build' }, 503);
    assets ??= serveStatic({ root: dir, precompressed: true, rewriteRequestPath: (p) => p.replace(/^\/admin/, '') });
    // Hashed assets never change; the page itself is always revalidated.
    c.header('Cache-Control', c.req.path.startsWith('/admin/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    const res = await assets(c, next);
    // serveStatic names Accept-Encoding only when it sent a compressed copy; a cache must also
    // know that the uncompressed answer was chosen by it, or it would keep that one for everybody.
    // A file not found goes on to the next handler, and no Response comes back here.
    if (res instanceof Response && !res.headers.has('Vary')) res.headers.set('Vary', 'Accept-Encoding');
    return res;
  });
  return app;
}
