import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { Database } from '../../db/client.ts';
import type { Config } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { Policy } from '../../core/policy.ts';
import { healthRoutes } from './health.ts';

export interface ServerDeps {
  database: Database;
  config: Config;
  logger: Logger;
  policy: Policy;
}

export type AppEnv = { Variables: { requestId: string } };

/** Builds the HTTP app; main.ts serves it. The bot's webhook and the panel mount here. */
export function createServer(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.debug(
      { reqId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: +(performance.now() - started).toFixed(1) },
      'request',
    );
  });
  app.route('/health', healthRoutes(deps.database));
  app.notFound((c) => c.json({ error: 'not_found' }, 404));
  app.onError((err, c) => {
    deps.logger.error({ err, reqId: c.get('requestId'), path: c.req.path }, 'unhandled error');
    return c.json({ error: 'internal_error', requestId: c.get('requestId') }, 500);
  });
  return app;
}
