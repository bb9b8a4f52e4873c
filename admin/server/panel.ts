/**
 * Serves the built panel (dist/admin, made by `vite build` from admin/web) under /admin/,
 * with a Content-Security-Policy that lets nothing but our own scripts run: text from the
 * database is rendered by React as text, and even markup that slipped through stays inert.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';

export const panelDir = fileURLToPath(new URL('../../dist/admin', import.meta.url));

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // MUI (emotion) injects its styles at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function panelRoutes(dir: string = panelDir) {
  let assets: MiddlewareHandler | null = null;
  const app = new Hono();
  app.get('/', (c) => c.redirect('/admin/'));
  app.get('/admin', (c) => c.redirect('/admin/'));
  app.get('/admin/*', async (c, next) => {
    if (!existsSync(join(dir, 'index.html'))) return c.json({ error: 'panel_not_built', hint: 'npm run build' }, 503);
    assets ??= serveStatic({ root: dir, rewriteRequestPath: (p) => p.replace(/^\/admin/, '') });
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    // Hashed assets never change; the page itself is always revalidated.
    c.header('Cache-Control', c.req.path.startsWith('/admin/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    return assets(c, next);
  });
  return app;
}
