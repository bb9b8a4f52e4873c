import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applicants, applications, auditLog, children, notifications, positionChanges } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { ValidationError } from '../../core/errors.ts';
import { makeIin } from '../../core/iin.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { getPosition } from '../../core/position.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, newAdultIin, type Places } from '../support/factories.ts';

const parent = { type: 'parent', id: null } as const;
let database: Database;
let places: Places;

beforeAll(async () => {
  database = await openTestDatabase();
  places = await createPlaces(database.db);
});
afterAll(async () => {
  await database.close();
});

async function fieldErrors(promise: Promise<unknown>) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).fields;
}

describe('submitting an application', () => {
  it('registers the child at once, numbers it and places it at the end of its queue', async () => {
    const input = applicationInput(places);
    const result = await submitApplication(database.db, input, parent, defaultPolicy);
    expect(result.created).toBe(true);
    const app = result.application;
    expect(app.status).toBe('registered');
    expect(app.number).toMatch(/^\d{4}-\d{7}$/);
    expect(app.queueNumber).toBe(1);
    expect(app.birthYear).toBe(Number(input.child.birthDate.slice(0, 4)));
    expect(app.queueCategory).toBe(2);

    const second = await submitApplication(database.db, applicationInput(places, { childYear: app.birthYear }), parent, defaultPolicy);
    expect(second.application.queueId).toBe(app.queueId);
    expect(second.application.queueNumber).toBe(2);
    expect((await getPosition(database.db, second.application.id, defaultPolicy))?.position).toBe(2);

    const [child] = await database.db.select().from(children).where(eq(children.id, app.childId));
    expect(child).toMatchObject({ iin: input.child.iin, birthDate: input.child.birthDate });
    const [applicant] = await database.db.select().from(applicants).where(eq(applicants.id, app.applicantId));
    expect(applicant?.phones).toEqual(['+77012345678']);
    expect(applicant?.phoneVerifiedAt).not.toBeNull();

    const trail = await database.db.select().from(auditLog).where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, app.id)));
    expect(trail.map((t) => [t.action, t.actorType, t.toState])).toEqual([
      ['application.submit', 'parent', 'submitted'],
      ['application.register', 'system', 'registered'],
    ]);
    expect(trail[0]?.actorId).toBe(app.applicantId);
    const moves = await database.db.select().from(positionChanges).where(eq(positionChanges.applicationId, app.id));
    expect(moves).toMatchObject([{ reason: 'registered', delta: 1, category: 2 }]);
    // The system registered it: the parent is told through the outbox.
    const outbox = await database.db.select().from(notifications).where(eq(notifications.applicationId, app.id));
    expect(outbox).toMatchObject([{ kind: 'status_register', status: 'pending' }]);
  });

  it('returns the existing application for a child who already has one', async () => {
    const input = applicationInput(places);
    const first = await submitApplication(database.db, input, parent, defaultPolicy);
    const again = await submitApplication(
      database.db,
      { ...input, applicant: { ...input.applicant, iin: newAdultIin() }, kindergartenIds: places.kindergartenIds.slice(1, 2) },
      parent,
      defaultPolicy,
    );
    expect(again).toEqual({ created: false, application: first.application });
    const rows = await database.db.select().from(applications).where(eq(applications.childId, first.application.childId));
    expect(rows).toHaveLength(1);
  });

  it('refuses a child aged 7 or more and a child not yet born', async () => {
    const now = new Date('2026-11-23T08:00:00Z');
    const seven = makeIin('2019-11-23', 'male', 11);
    // Consent given a minute before this fixed `now`, whatever the clock says.
    const input = applicationInput(places, { at: now });
    expect(
      await fieldErrors(
        submitApplication(database.db, { ...input, child: { ...input.child, iin: seven, birthDate: '2019-11-23' } }, parent, defaultPolicy, now),
      ),
    ).toEqual([{ field: 'child.iin', code: 'child_too_old', params: { years: 7 } }]);
    const almostSeven = makeIin('2019-11-24', 'male', 11);
    const ok = await submitApplication(
      database.db,
      { ...input, child: { ...input.child, iin: almostSeven, birthDate: '2019-11-24' } },
      parent,
      { ...defaultPolicy },
      now,
    ).catch((e: unknown) => e);
    // Born 2019: no group in this test district's kindergartens is needed to queue, only the district.
    expect(ok).toMatchObject({ created: true });
    const unborn = makeIin('2026-12-01', 'female', 11);
    expect(
      await fieldErrors(
        submitApplication(database.db, { ...input, child: { ...input.child, iin: unborn, birthDate: '2026-12-01' } }, parent, defaultPolicy, now),
      ),
    ).toEqual([{ field: 'child.iin', code: 'child_not_born' }]);
  });

  it('reports every bad field with a code, and stores nothing', async () => {
    const input = applicationInput(places);
    const badIin = `${input.child.iin.slice(0, 11)}${(Number(input.child.iin[11]) + 1) % 10}`;
    const fields = await fieldErrors(
      submitApplication(
        database.db,
        {
          ...input,
          applicant: { ...input.applicant, iin: '123', phones: ['12345'] },
          child: { ...input.child, iin: badIin },
          kindergartenIds: [places.kindergartenIds[0]!, places.kindergartenIds[0]!, 999_999_999, 5],
        },
        parent,
        defaultPolicy,
      ),
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        { field: 'applicant.iin', code: 'iin_format' },
        { field: 'child.iin', code: 'iin_checksum' },
        { field: 'applicant.phones.0', code: 'phone_invalid' },
        { field: 'kindergartenIds', code: 'too_many_kindergartens', params: { count: 3 } },
        { field: 'kindergartenIds', code: 'duplicate_kindergarten' },
      ]),
    );
    const missing = await fieldErrors(submitApplication(database.db, { ...input, child: undefined } as never, parent, defaultPolicy));
    expect(missing).toEqual([{ field: 'child', code: 'required' }]);
    const birth = await fieldErrors(
      submitApplication(database.db, { ...input, child: { ...input.child, birthDate: '2020-01-01' } }, parent, defaultPolicy),
    );
    expect(birth).toEqual([{ field: 'child.birthDate', code: 'birth_date_mismatch' }]);
    const other = await createPlaces(database.db);
    const wrongDistrict = await fieldErrors(
      submitApplication(database.db, { ...input, kindergartenIds: [other.kindergartenIds[0]!] }, parent, defaultPolicy),
    );
    expect(wrongDistrict).toEqual([{ field: 'kindergartenIds.0', code: 'kindergarten_wrong_district' }]);
    const [stored] = await database.db.select().from(children).where(eq(children.iin, input.child.iin));
    expect(stored).toBeUndefined();
  });

  it('keeps SQL and HTML in free-text fields as plain text, and refuses them as a name', async () => {
    const hostile = `Robert'); DROP TABLE applications;-- <script>alert(1)</script>`;
    const input = applicationInput(places);
    const { application } = await submitApplication(database.db, { ...input, applicant: { ...input.applicant, address: hostile } }, parent, defaultPolicy);
    const [applicant] = await database.db.select().from(applicants).where(eq(applicants.id, application.applicantId));
    expect(applicant?.address).toBe(hostile);
    const named = submitApplication(database.db, { ...applicationInput(places), child: { ...input.child, fullName: hostile } }, parent, defaultPolicy);
    await expect(named).rejects.toBeInstanceOf(ValidationError);
    await expect(named).rejects.toMatchObject({ fields: [{ field: 'child.fullName' }] });
  });
});
