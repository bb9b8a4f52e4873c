/**
 * The office's intake and identity: a child's IIN is refused as the applicant's, the office
 * shares one record per proven IIN and never takes over a Telegram account's claim, and a child
 * on record keeps their record while staff see what the submission said.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applicants, applications, children } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { changeStatus } from '../../core/status.ts';
import { client, createStaff, signIn, testServer, type Client } from '../support/admin.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, newChild, type Places } from '../support/factories.ts';

let database: Database;
let places: Places;
let staff: Client;

beforeAll(async () => {
  database = await openTestDatabase();
  places = await createPlaces(database.db);
  const app = testServer(database);
  const account = await createStaff(database, ['district_staff'], { districtIds: [places.districtId] });
  staff = client(app, await signIn(app, account.login, account.password, '10.1.11.1'));
});
afterAll(async () => {
  await database.close();
});

function intakeBody(overrides: { applicant?: object; child?: object } = {}) {
  const input = applicationInput(places);
  const { consentAt: _c, telegramUserId: _t, ...applicant } = input.applicant;
  return { ...input, applicant: { ...applicant, ...overrides.applicant }, child: { ...input.child, ...overrides.child }, channel: 'office', consent: true };
}

describe('intake at the office', () => {
  it("refuses a child's IIN as the applicant's", async () => {
    const toddler = newChild(new Date().getUTCFullYear() - 2).iin;
    const res = await staff.post('/api/applications', intakeBody({ applicant: { iin: toddler } }));
    expect(res.status).toBe(400);
    expect(res.json.fields).toContainEqual({ field: 'applicant.iin', code: 'applicant_too_young', params: { years: 18 } });
  });

  it("shares one record per IIN it proved, and leaves a Telegram account's claim of that IIN alone", async () => {
    // A Telegram account claimed this IIN first, with its own contacts.
    const claim = applicationInput(places);
    const claimed = await submitApplication(database.db, claim, { type: 'parent', id: null }, defaultPolicy);
    const [claimBefore] = await database.db.select().from(applicants).where(eq(applicants.id, claimed.application.applicantId));

    const iin = claim.applicant.iin;
    const first = await staff.post('/api/applications', intakeBody({ applicant: { iin, fullName: 'Кеңсеева Дана Маратқызы', phones: ['8 707 123 45 67'] } }));
    expect(first.status).toBe(201);
    const second = await staff.post('/api/applications', intakeBody({ applicant: { iin, fullName: 'Кеңсеева Дана Маратқызы', phones: ['8 707 765 43 21'] } }));
    expect(second.status).toBe(201);
    const records = await database.db.select().from(applicants).where(eq(applicants.iin, iin));
    expect(records).toHaveLength(2);
    const proven = records.find((r) => r.identityProof === 'document')!;
    expect(proven).toMatchObject({ fullName: 'Кеңсеева Дана Маратқызы', phones: ['+77077654321'], telegramUserId: null });
    const [claimAfter] = await database.db.select().from(applicants).where(eq(applicants.id, claimed.application.applicantId));
    expect(claimAfter).toEqual(claimBefore);

    // Both sides see the other record as a discrepancy.
    const detail = await staff.get(`/api/applications/${first.json.id}`);
    expect(detail.json.applicant).toMatchObject({ id: proven.id, identityProof: 'document' });
    expect(detail.json.identityClaims).toEqual([
      expect.objectContaining({ applicantId: claimBefore!.id, identityProof: 'claimed', otherTelegramAccount: true, differs: ['fullName', 'phone', 'telegram'] }),
    ]);
  });

  it('keeps a child on record as they are and shows staff the name and certificate the submission gave', async () => {
    const body = intakeBody();
    const first = await staff.post('/api/applications', body);
    await changeStatus(database.db, { applicationId: first.json.id, event: 'withdraw', actor: { type: 'parent', id: null }, reason: 'parent_request', policy: defaultPolicy });
    const [before] = await database.db.select().from(children).where(eq(children.iin, body.child.iin));

    const again = await staff.post('/api/applications', { ...intakeBody(), child: { ...body.child, fullName: 'Басқа Есім Тегі', birthCertificateNumber: 'II-ЖК 999999' } });
    expect(again.status).toBe(201);
    const [after] = await database.db.select().from(children).where(eq(children.iin, body.child.iin));
    expect(after).toEqual(before);
    const detail = await staff.get(`/api/applications/${again.json.id}`);
    expect(detail.json.child).toMatchObject({ fullName: body.child.fullName, birthCertificateNumber: body.child.birthCertificateNumber });
    expect(detail.json.submittedChild).toEqual({ fullName: 'Басқа Есім Тегі', birthCertificateNumber: 'II-ЖК 999999' });

    // The same child again, written a little differently: no discrepancy.
    await changeStatus(database.db, { applicationId: again.json.id, event: 'withdraw', actor: { type: 'parent', id: null }, reason: 'parent_request', policy: defaultPolicy });
    const same = await staff.post('/api/applications', {
      ...intakeBody(),
      child: { ...body.child, fullName: `  ${body.child.fullName.toUpperCase()} `, birthCertificateNumber: body.child.birthCertificateNumber.replace('-', ' ') },
    });
    const [row] = await database.db.select({ submittedChild: applications.submittedChild }).from(applications).where(eq(applications.id, same.json.id));
    expect(row?.submittedChild).toBeNull();
  });
});
