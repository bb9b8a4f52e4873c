import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { Database } from '../../db/client.ts';
import type { Config } from '../../core/config.ts';
import { isDatabaseUnavailable } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { Policy } from '../../core/policy.ts';
import type { SigningKey } from '../../core/signing.ts';
import { apiRoutes } from './api.ts';
import { errorAnswer } from './context.ts';
import { healthRoutes } from './health.ts';
import { openQueueRoutes } from './open-queue.ts';
import { panelRoutes } from './panel.ts';
import { unavailable } from './unavailable.ts';
import { securityHeaders } from './security-headers.ts';
import { verifyRoutes } from './verify.ts';

export interface ServerDeps {
  database: Database;
  config: Config;
  logger: Logger;
  policy: Policy;
  signingKey: SigningKey;
  telegramWebhook?: { path: string; app: Hono } | null;
}

export type AppEnv = { Variables: { requestId: string } };

export function createServer(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(securityHeaders(deps.config));
  app.use(async (c, next) => {
    // Request lines are debug output: when they are off, a request costs nothing here.
    if (!deps.logger.isLevelEnabled('debug')) return next();
    const started = performance.now();
    await next();
    deps.logger.debug(
      { reqId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: +(performance.now() - started).toFixed(1) },
      'request',
    );
  });
  app.route('/health', healthRoutes(deps.database, deps.config.DATABASE_TIMEOUT_MS));
  if (deps.telegramWebhook) app.route(deps.telegramWebhook.path, deps.telegramWebhook.app);
  app.route('/verify', verifyRoutes(deps));
  app.route('/open/queues', openQueueRoutes(deps));
  app.route('/api', apiRoutes(deps));
  app.route('/', panelRoutes(deps.config));
  app.notFound((c) => c.json({ error: 'not_found' }, 404));
  app.onError((err, c) => {
    // A malformed request (bad input outside /api, a path that does not decode) is the client's.
    const answer = errorAnswer(err) ?? (err instanceof URIError ? { status: 400 as const, body: { error: 'bad_request' } } : null);
    if (answer) return c.json(answer.body, answer.status);
    if (isDatabaseUnavailable(err)) {
      deps.logger.warn({ err, reqId: c.get('requestId'), path: c.req.path }, 'database unavailable');
      return unavailable(c);
    }
    deps.logger.error({ err, reqId: c.get('requestId'), path: c.req.path }, 'unhandled error');
    return c.json({ error: 'internal_error', requestId: c.get('requestId') }, 500);
  });
  return app;
}
