/**
 * /api/applications, one file per job: the list and its export, intake, one application, and
 * the staff's actions on it. Fixed paths (/export, /duplicate) are mounted before /:id.
 */
import { Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../context.ts';
import { actionsRoutes } from './actions.ts';
import { detailRoutes } from './detail.ts';
import { exportRoutes } from './export.ts';
import { intakeRoutes } from './intake.ts';
import { listRoutes } from './list.ts';

export function applicationsRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>()
    .route('/', listRoutes(deps))
    .route('/', exportRoutes(deps))
    .route('/', intakeRoutes(deps))
    .route('/', detailRoutes(deps))
    .route('/', actionsRoutes(deps));
}
