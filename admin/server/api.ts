/** Every route but sign-in needs a session, and changes the CSRF token too. */
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { isDatabaseUnavailable } from '../../core/errors.ts';
import { applicationsRoutes } from './applications/index.ts';
import { auditLogRoutes } from './audit-log.ts';
import { authRoutes, requireSession } from './auth.ts';
import { botPreviewRoutes } from './bot-preview.ts';
import { errorAnswer, type ApiDeps, type ApiEnv } from './context.ts';
import { dashboardRoutes } from './dashboard.ts';
import { dayTransfersRoutes } from './day-transfers.ts';
import { districtsRoutes } from './districts.ts';
import { documentsRoutes } from './documents.ts';
import { feedbackRoutes } from './feedback.ts';
import { groupsRoutes } from './groups.ts';
import { kindergartensRoutes } from './kindergartens.ts';
import { lookupRoutes } from './lookup.ts';
import { referralsRoutes } from './referrals.ts';
import { roundsRoutes } from './rounds.ts';
import { staffUsersRoutes } from './staff-users.ts';
import { unavailable } from './unavailable.ts';
import { unreachableParentsRoutes } from './unreachable-parents.ts';

function limits(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  const onError: Parameters<typeof bodyLimit>[0]['onError'] = (c) => c.json({ error: 'too_large', message: 'errors.too_long' }, 413);
  const small = bodyLimit({ maxSize: 256 * 1024, onError });
  const upload = bodyLimit({ maxSize: deps.policy.maxDocumentBytes + 64 * 1024, onError });
  // Only requests that carry a body: reading c.req.raw.body of a GET makes @hono/node-server
  // build a full WHATWG Request.
  const bodyless = new Set(['GET', 'HEAD', 'OPTIONS']);
  return (c, next) => {
    if (bodyless.has(c.req.method)) return next();
    return c.req.method === 'POST' && c.req.path === '/api/documents' ? upload(c, next) : small(c, next);
  };
}

export function apiRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  api.use(async (c, next) => {
    // Personal data: never cached. Set before the handler answers: a header added afterwards makes
    // Hono copy the Response into a stream, which @hono/node-server pipes instead of writing at once.
    c.header('Cache-Control', 'no-store');
    await next();
  });
  api.use(limits(deps));
  api.route('/auth', authRoutes(deps));
  api.use(requireSession(deps));
  api.route('/applications', applicationsRoutes(deps));
  api.route('/documents', documentsRoutes(deps));
  api.route('/kindergartens', kindergartensRoutes(deps));
  api.route('/groups', groupsRoutes(deps));
  api.route('/referrals', referralsRoutes(deps));
  api.route('/rounds', roundsRoutes(deps));
  api.route('/staff-users', staffUsersRoutes(deps));
  api.route('/audit-log', auditLogRoutes(deps));
  api.route('/feedback', feedbackRoutes(deps));
  api.route('/unreachable-parents', unreachableParentsRoutes(deps));
  api.route('/districts', districtsRoutes(deps));
  api.route('/day-transfers', dayTransfersRoutes(deps));
  api.route('/lookup', lookupRoutes(deps));
  api.route('/dashboard', dashboardRoutes(deps));
  api.route('/bot-preview', botPreviewRoutes(deps));
  api.notFound((c) => c.json({ error: 'not_found' }, 404));
  api.onError((err, c) => {
    if (isDatabaseUnavailable(err)) {
      deps.logger.warn({ err, reqId: c.get('requestId'), path: c.req.path }, 'database unavailable');
      return unavailable(c);
    }
    const answer = errorAnswer(err);
    if (answer) return c.json(answer.body, answer.status);
    deps.logger.error({ err, reqId: c.get('requestId'), path: c.req.path }, 'unhandled error');
    return c.json({ error: 'internal_error', requestId: c.get('requestId') }, 500);
  });
  return api;
}
