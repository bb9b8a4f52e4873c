import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applications, auditLog, children } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { getPosition } from '../../core/position.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, newAdultIin } from '../support/factories.ts';
import { referenceOrder } from '../support/reference.ts';

/** Real concurrency needs the real server: PGlite is a single session. */
let database: Database;

beforeAll(async () => {
  database = await openTestDatabase({ poolSize: 25 });
});
afterAll(async () => {
  await database.close();
});

describe('concurrent submissions', () => {
  it('50 submissions for the same child at once produce exactly one application', async () => {
    const places = await createPlaces(database.db);
    const input = applicationInput(places);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        submitApplication(
          database.db,
          // Half from the same parent, half from other adults claiming the same child.
          i % 2 ? input : { ...input, applicant: { ...input.applicant, iin: newAdultIin(), telegramUserId: 1000 + i } },
          { type: 'parent', id: null },
          defaultPolicy,
        ),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const ids = new Set(results.map((r) => r.application.id));
    expect(ids.size).toBe(1);
    const [child] = await database.db.select().from(children).where(eq(children.iin, input.child.iin));
    const rows = await database.db.select().from(applications).where(eq(applications.childId, child!.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('registered');
    const submits = await database.db.select().from(auditLog).where(eq(auditLog.entityId, rows[0]!.id));
    expect(submits.filter((a) => a.entity === 'application' && a.action === 'application.submit')).toHaveLength(1);
  });

  it('concurrent submissions to one queue keep numbers unique and counts exact', async () => {
    const places = await createPlaces(database.db);
    const year = new Date().getUTCFullYear() - 2;
    const results = await Promise.all(
      Array.from({ length: 60 }, () =>
        submitApplication(database.db, applicationInput(places, { childYear: year }), { type: 'parent', id: null }, defaultPolicy),
      ),
    );
    const numbers = results.map((r) => r.application.queueNumber);
    expect(new Set(numbers).size).toBe(60);
    expect(Math.max(...(numbers as number[]))).toBe(60);
    const order = await referenceOrder(database.db, results[0]!.application.queueId);
    for (const [i, id] of order.entries()) expect((await getPosition(database.db, id, defaultPolicy))?.position).toBe(i + 1);
  });
});
