/**
 * Four eyes on priority rights (core/priority.ts) and work certificates ahead of time
 * (core/certificates.ts), on PGlite and on the server.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applications, auditLog, jobs, notifications } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { CERTIFICATE_EXPIRE_JOB, CERTIFICATE_REMIND_JOB, certificateJobs, certificateWarning } from '../../core/certificates.ts';
import { IllegalTransitionError, RuleError } from '../../core/errors.ts';
import { defaultPolicy, type Policy } from '../../core/policy.ts';
import { getPosition } from '../../core/position.ts';
import { decidePriorityClaim } from '../../core/priority.ts';
import { changeCategoryByParent } from '../../core/priority-claims.ts';
import { EXTRAORDINARY, FIRST_PRIORITY, GENERAL } from '../../core/queue.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';

const policy = defaultPolicy;
const clerk = { type: 'staff', id: 101 } as const;
const other = { type: 'staff', id: 102 } as const;
const year = new Date().getUTCFullYear() - 3;
let database: Database;
let places: Places;

beforeAll(async () => {
  database = await openTestDatabase();
  places = await createPlaces(database.db);
});
afterAll(async () => {
  await database.close();
});

async function claim(category: 'large_family' | 'military' | 'teacher', at = new Date(Date.now() - 86_400_000)) {
  // Two general children registered earlier, so a granted right visibly moves the claimant ahead.
  for (let i = 0; i < 2; i++) {
    await submitApplication(database.db, applicationInput(places, { childYear: year, channel: 'office', at: new Date(at.getTime() - 60_000) }), clerk, policy, new Date(at.getTime() - 60_000));
  }
  const { application } = await submitApplication(
    database.db,
    applicationInput(places, { childYear: year, priorityCategory: category, channel: 'office', at }),
    clerk,
    policy,
    at,
  );
  expect(application.status).toBe('registered');
  return application;
}

const row = async (id: number) => (await database.db.select().from(applications).where(eq(applications.id, id)))[0]!;
const actions = async (id: number) =>
  (await database.db.select().from(auditLog).where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, id)))).map((r) => r);

describe('four eyes on a priority right', () => {
  it('a first approval of a right the parent then changes counts for nothing towards the new one', async () => {
    const app = await claim('large_family');
    await decidePriorityClaim(database.db, { applicationId: app.id, decision: 'verified', actor: clerk, policy });
    await changeCategoryByParent(database.db, { applicationId: app.id, category: 'war_veteran', actor: { type: 'parent', id: app.applicantId }, policy });
    expect(await row(app.id)).toMatchObject({ priorityCategory: 'war_veteran', priorityProof: 'pending', priorityFirstApproverId: null, priorityFirstApprovedAt: null });
    // The colleague's approval is now the first of two, not the second.
    const next = await decidePriorityClaim(database.db, { applicationId: app.id, decision: 'verified', actor: other, policy });
    expect(next).toMatchObject({ priorityProof: 'pending', queueCategory: GENERAL, priorityFirstApproverId: other.id, prioritySecondApproverId: null });
  });

  it('one clerk approving alone grants nothing; the same clerk cannot approve twice; another one grants it', async () => {
    const app = await claim('large_family');
    const before = await getPosition(database.db, app.id, policy);

    const first = await decidePriorityClaim(database.db, { applicationId: app.id, decision: 'verified', actor: clerk, comment: 'көпбалалы отбасы куәлігі', policy });
    expect(first).toMatchObject({ priorityProof: 'pending', queueCategory: GENERAL, priorityFirstApproverId: clerk.id, prioritySecondApproverId: null });
    // The child waits where it was.
    expect((await getPosition(database.db, app.id, policy))?.position).toBe(before?.position);

    const again = decidePriorityClaim(database.db, { applicationId: app.id, decision: 'verified', actor: clerk, policy });
    await expect(again).rejects.toBeInstanceOf(RuleError);
    await expect(again).rejects.toMatchObject({ code: 'second_approver_must_differ' });
    expect(await row(app.id)).toMatchObject({ priorityProof: 'pending', queueCategory: GENERAL, priorityFirstApproverId: clerk.id });

    const granted = await decidePriorityClaim(database.db, { applicationId: app.id, decision: 'verified', actor: other, comment: 'расталды', policy });
    expect(granted).toMatchObject({ priorityProof: 'verified', queueCategory: FIRST_PRIORITY, priorityFirstApproverId: clerk.id, prioritySecondApproverId: other.id });
    expect((await getPosition(database.db, app.id, policy))!.position).toBeLessThan(before!.position);

    const trail = await actions(app.id);
    const firstRow = trail.find((r) => r.action === 'application.priority_first_approval')!;
    expect(firstRow).toMatchObject({ actorType: 'staff', actorId: clerk.id, data: { category: 'large_family', comment: 'көпбалалы отбасы куәлігі' } });
    const secondRow = trail.find((r) => r.action === 'application.priority_verified')!;
    expect(secondRow).toMatchObject({ actorId: other.id, fromState: 'pending', toState: 'verified', data: { firstApproverId: clerk.id, comment: 'расталды' } });
    // The parent hears once, when the right is granted.
    const told = await database.db.select().from(notifications).where(eq(notifications.applicationId, app.id));
    expect(told.filter((n) => n.kind.startsWith('priority_')).map((n) => n.kind)).toEqual(['priority_verified']);
  });

  it('one staff member denies a claim alone, and the denial closes an open first approval', async () => {
    const app = await claim('large_family');
    await decidePriorityClaim(database.db, { applicationId: app.id, decision: 'verified', actor: clerk, policy });
    const denied = await decidePriorityClaim(database.db, { applicationId: app.id, decision: 'rejected', reason: 'priority_document_invalid', actor: other, policy });
    expect(denied).toMatchObject({ priorityProof: 'rejected', queueCategory: GENERAL, priorityFirstApproverId: null, prioritySecondApproverId: null });
    const rejectedRow = (await actions(app.id)).find((r) => r.action === 'application.priority_rejected')!;
    expect(rejectedRow).toMatchObject({ actorId: other.id, reason: 'priority_document_invalid', data: { firstApprovalAnnulled: clerk.id } });
  });

  it('a category the region leaves out of secondApprovalCategories is granted by one', async () => {
    const app = await claim('large_family');
    const onlyExtraordinary: Policy = { ...policy, secondApprovalCategories: ['military', 'special_state_body', 'killed_in_service'] };
    const granted = await decidePriorityClaim(database.db, { applicationId: app.id, decision: 'verified', actor: clerk, policy: onlyExtraordinary });
    expect(granted).toMatchObject({ priorityProof: 'verified', queueCategory: FIRST_PRIORITY, priorityFirstApproverId: null });
  });

  it('only staff approve, and the table refuses one person as both approvers', async () => {
    const app = await claim('large_family');
    await expect(
      decidePriorityClaim(database.db, { applicationId: app.id, decision: 'verified', actor: { type: 'parent', id: null }, policy }),
    ).rejects.toBeInstanceOf(IllegalTransitionError);
    await decidePriorityClaim(database.db, { applicationId: app.id, decision: 'verified', actor: clerk, policy });
    await expect(
      database.db.execute(sql`update applications set priority_second_approver_id = ${clerk.id} where id = ${app.id}`),
    ).rejects.toThrow();
  });
});

describe('work certificates ahead of time', () => {
  it('warns when a sent certificate will likely lapse before it is verified, and when a verified one lapses soon', () => {
    const now = new Date('2026-03-20T06:00:00Z');
    const pending = { priorityCategory: 'military', priorityProof: 'pending', priorityProofValidUntil: null } as const;
    // Sent 25 days ago: valid at most 5 more days, verification takes 7.
    const old = certificateWarning(pending, new Date(now.getTime() - 25 * 86_400_000), now, policy);
    expect(old).toMatchObject({ kind: 'lapses_before_verification', days: policy.proofVerificationDays });
    expect(certificateWarning(pending, new Date(now.getTime() - 2 * 86_400_000), now, policy)).toBeNull();
    // A right that needs no certificate never warns.
    expect(certificateWarning({ ...pending, priorityCategory: 'orphan' }, new Date(now.getTime() - 300 * 86_400_000), now, policy)).toBeNull();
    const verified = { priorityCategory: 'teacher', priorityProof: 'verified', priorityProofValidUntil: new Date(now.getTime() + 6 * 86_400_000) } as const;
    expect(certificateWarning(verified, null, now, policy)).toMatchObject({ kind: 'renew' });
    expect(certificateWarning({ ...verified, priorityProofValidUntil: new Date(now.getTime() + 20 * 86_400_000) }, null, now, policy)).toBeNull();
  });

  it('reminds the parent to renew before the certificate lapses, and the lapse moves the child back', async () => {
    const app = await claim('military');
    const verifiedAt = new Date();
    await decidePriorityClaim(database.db, { applicationId: app.id, decision: 'verified', actor: clerk, policy, now: verifiedAt });
    const granted = await decidePriorityClaim(database.db, { applicationId: app.id, decision: 'verified', actor: other, policy, now: verifiedAt });
    expect(granted.queueCategory).toBe(EXTRAORDINARY);
    const validUntil = granted.priorityProofValidUntil!;
    expect(validUntil.getTime()).toBe(verifiedAt.getTime() + policy.certificateValidityDays * 86_400_000);

    const [remind] = await database.db.select().from(jobs).where(eq(jobs.dedupeKey, `certificate:${app.id}:remind`));
    const [expire] = await database.db.select().from(jobs).where(eq(jobs.dedupeKey, `certificate:${app.id}:expire`));
    expect(remind!.runAt.getTime()).toBe(validUntil.getTime() - policy.certificateRenewalReminderDays * 86_400_000);
    expect(expire!.runAt.getTime()).toBe(validUntil.getTime());

    // The job handlers themselves (the shared server's other due jobs are not this test's).
    const handlers = certificateJobs(() => policy);
    await database.db.transaction((tx) => handlers[CERTIFICATE_REMIND_JOB]!(tx, remind!, remind!.runAt));
    const [told] = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.applicationId, app.id), eq(notifications.kind, 'certificate_renew')));
    expect(told!.params).toMatchObject({ number: app.number, days: policy.proofVerificationDays });
    expect(String((told!.params as Record<string, unknown>).validUntil)).toMatch(/^\d{4}-\d\d-\d\d$/);

    // Too early: nothing lapses.
    await database.db.transaction((tx) => handlers[CERTIFICATE_EXPIRE_JOB]!(tx, expire!, new Date(validUntil.getTime() - 1000)));
    expect((await row(app.id)).queueCategory).toBe(EXTRAORDINARY);
    await database.db.transaction((tx) => handlers[CERTIFICATE_EXPIRE_JOB]!(tx, expire!, new Date(validUntil.getTime() + 1000)));
    expect(await row(app.id)).toMatchObject({ priorityProof: 'expired', queueCategory: GENERAL });
    const lapsed = (await actions(app.id)).find((r) => r.action === 'application.priority_expired')!;
    expect(lapsed.actorType).toBe('system');
  });
});
