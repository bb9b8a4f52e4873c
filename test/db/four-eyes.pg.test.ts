/**
 * Four eyes under concurrency on the real server (PGlite is a single session): two staff
 * approving one claim at the same moment are one first and one second approval by two people,
 * and one person racing themself never becomes both approvers.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applications, auditLog } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { RuleError } from '../../core/errors.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { decidePriorityClaim } from '../../core/priority.ts';
import { FIRST_PRIORITY, GENERAL } from '../../core/queue.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';

const policy = defaultPolicy;
const ROUNDS = 10;
let database: Database;
let places: Places;

beforeAll(async () => {
  database = await openTestDatabase({ poolSize: 8 });
  places = await createPlaces(database.db);
});
afterAll(async () => {
  await database.close();
});

async function claims(n: number) {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const input = applicationInput(places, { priorityCategory: 'large_family', channel: 'office' });
    ids.push((await submitApplication(database.db, input, { type: 'staff', id: 1 }, policy)).application.id);
  }
  return ids;
}

const approve = (applicationId: number, staffId: number) =>
  decidePriorityClaim(database.db, { applicationId, decision: 'verified', actor: { type: 'staff', id: staffId }, policy }).then(
    (app) => ({ ok: true as const, app }),
    (error: unknown) => ({ ok: false as const, error }),
  );

const trailOf = async (id: number) =>
  database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, id)));

describe('four eyes under concurrency', () => {
  it('two staff approving together: one first and one second approval, by two people, the right granted once', async () => {
    for (const id of await claims(ROUNDS)) {
      const results = await Promise.all([approve(id, 201), approve(id, 202)]);
      expect(results.every((r) => r.ok)).toBe(true);
      const [row] = await database.db.select().from(applications).where(eq(applications.id, id));
      expect(row).toMatchObject({ priorityProof: 'verified', queueCategory: FIRST_PRIORITY });
      expect(new Set([row!.priorityFirstApproverId, row!.prioritySecondApproverId])).toEqual(new Set([201, 202]));
      const trail = await trailOf(id);
      expect(trail.filter((r) => r.action === 'application.priority_first_approval')).toHaveLength(1);
      const granted = trail.filter((r) => r.action === 'application.priority_verified');
      expect(granted).toHaveLength(1);
      expect(granted[0]!.actorId).toBe(row!.prioritySecondApproverId);
    }
  });

  it('one person approving twice at once is one first approval and one refusal, never both approvers', async () => {
    for (const id of await claims(ROUNDS)) {
      const results = await Promise.all([approve(id, 301), approve(id, 301), approve(id, 301)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      for (const r of results.filter((x) => !x.ok)) {
        expect(r.ok ? null : r.error).toBeInstanceOf(RuleError);
        expect(r.ok ? null : (r.error as RuleError).code).toBe('second_approver_must_differ');
      }
      const [row] = await database.db.select().from(applications).where(eq(applications.id, id));
      expect(row).toMatchObject({ priorityProof: 'pending', queueCategory: GENERAL, priorityFirstApproverId: 301, prioritySecondApproverId: null });
      expect((await trailOf(id)).filter((r) => r.action.startsWith('application.priority_'))).toHaveLength(1);
    }
  });
});
