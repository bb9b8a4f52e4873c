/**
 * POST /api/applications/:id/verify, /refuse and /priority: the staff's decisions on an
 * application. Each goes through core/, which owns the transaction and the audit row.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { ValidationError } from '../../../core/errors.ts';
import { awaitsSecondApproval, decidePriorityClaim } from '../../../core/priority.ts';
import { PRIORITY_REJECTION_REASONS } from '../../../core/refusals.ts';
import { changeStatus } from '../../../core/status.ts';
import { REFUSAL_REASONS, verifyApplication } from '../../../core/verification.ts';
import { actorOf, need, parseBody, pathId, readJson, type ApiDeps, type ApiEnv } from '../context.ts';
import { districtOf } from './district.ts';

const refuseSchema = z.object({ reason: z.enum(REFUSAL_REASONS), comment: z.string().trim().max(1000).nullish() });
const verifySchema = z.object({ note: z.string().trim().max(1000).nullish() });
const prioritySchema = z.object({
  decision: z.enum(['verified', 'rejected']),
  reason: z.enum(PRIORITY_REJECTION_REASONS).nullish(),
  comment: z.string().trim().max(1000).nullish(),
});

export function actionsRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  return new Hono<ApiEnv>()
    .post('/:id/verify', need('applications.verify'), async (c) => {
      const id = pathId(c);
      await districtOf(db, c, id, 'applications.verify');
      const body = parseBody(verifySchema, await readJson(c));
      const app = await verifyApplication(db, { applicationId: id, actor: actorOf(c), note: body.note ?? null, policy: deps.policy });
      return c.json({ id: app.id, status: app.status });
    })
    .post('/:id/refuse', need('applications.refuse'), async (c) => {
      const id = pathId(c);
      await districtOf(db, c, id, 'applications.refuse');
      const body = parseBody(refuseSchema, await readJson(c));
      const app = await changeStatus(db, {
        applicationId: id,
        event: 'refuse',
        actor: actorOf(c),
        reason: body.reason,
        comment: body.comment ?? null,
        policy: deps.policy,
      });
      return c.json({ id: app.id, status: app.status });
    })
    .post('/:id/priority', need('applications.priority'), async (c) => {
      const id = pathId(c);
      await districtOf(db, c, id, 'applications.priority');
      const body = parseBody(prioritySchema, await readJson(c));
      if (body.decision === 'rejected' && !body.reason) throw new ValidationError([{ field: 'reason', code: 'reason_required' }]);
      const app = await decidePriorityClaim(db, {
        applicationId: id,
        decision: body.decision,
        actor: actorOf(c),
        reason: body.reason ?? null,
        comment: body.comment ?? null,
        policy: deps.policy,
      });
      const waiting = awaitsSecondApproval(app);
      // 202: the approval is recorded, the right is not granted until another staff member approves.
      return c.json(
        { id: app.id, priorityProof: app.priorityProof, queueCategory: app.queueCategory, state: waiting ? 'awaiting_second_approval' : app.priorityProof },
        waiting ? 202 : 200,
      );
    });
}
