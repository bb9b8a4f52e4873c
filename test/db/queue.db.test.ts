import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applications, auditLog, notifications, queues } from '../../db/schema/index.ts';
import { submitApplication } from '../../core/applications.ts';
import { SYSTEM } from '../../core/audit.ts';
import { IllegalTransitionError } from '../../core/errors.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { explainPositionChange, getPosition } from '../../core/position.ts';
import { localDate } from '../../core/calendar.ts';
import { changeStatus } from '../../core/status.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places, grantPriority } from '../support/factories.ts';
import { referenceOrder } from '../support/reference.ts';

const staff = { type: 'staff', id: 1 } as const;
const parent = { type: 'parent', id: null } as const;
const policy = defaultPolicy;
const year = new Date().getUTCFullYear() - 3;
let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

/** Registers n children at random times over the past two years; ~15% claim a first-priority right. */
async function fillQueue(places: Places, n: number) {
  const ids: number[] = [];
  const claims: number[] = [];
  for (let i = 0; i < n; i++) {
    // Whole seconds and many collisions on purpose: ties must fall back to the id.
    const at = new Date(Date.now() - randomInt(1, 40) * 86_400_000 * 18 - randomInt(0, 3) * 1000);
    const roll = randomInt(0, 100);
    const category = roll < 5 ? 'military' : roll < 20 ? 'large_family' : 'none';
    const { application } = await submitApplication(
      database.db,
      applicationInput(places, { childYear: year, priorityCategory: category, channel: 'office', at }),
      staff,
      policy,
      at,
    );
    ids.push(application.id);
    if (category !== 'none') claims.push(application.id);
  }
  return { ids, claims };
}

async function expectPositionsExact(queueId: number) {
  const order = await referenceOrder(database.db, queueId, policy.generalPerBeneficiary);
  for (const [index, id] of order.entries()) {
    const got = await getPosition(database.db, id, policy);
    expect(got?.position, `application ${id}`).toBe(index + 1);
  }
  return order;
}

describe('the queue', () => {
  it('gives every waiting child the position of the brute-force order, through late beneficiaries, places and withdrawals', async () => {
    const places = await createPlaces(database.db);
    const { ids, claims } = await fillQueue(places, 120);
    const [first] = await database.db.select().from(applications).where(eq(applications.id, ids[0]!));
    const queueId = first!.queueId;
    // Before any proof is verified everyone waits as general.
    await expectPositionsExact(queueId);

    // Beneficiaries proven late jump ahead of children registered after them.
    for (const id of claims) await grantPriority(database.db, id, policy);
    let order = await expectPositionsExact(queueId);

    // Places given in queue order move the phase; withdrawals from the middle; one refusal.
    for (let i = 0; i < 7; i++) await changeStatus(database.db, { applicationId: order[i]!, event: 'offer', actor: staff, policy });
    await changeStatus(database.db, { applicationId: order[30]!, event: 'withdraw', actor: parent, policy });
    await changeStatus(database.db, { applicationId: order[31]!, event: 'refuse', actor: staff, reason: 'documents_false', policy });
    // One offer declined: the child waits again with its original registration time.
    await changeStatus(database.db, { applicationId: order[2]!, event: 'decline', actor: parent, policy });
    order = await expectPositionsExact(queueId);
    const [queue] = await database.db.select().from(queues).where(eq(queues.id, queueId));
    expect(queue!.phase).toBeGreaterThanOrEqual(0);
    expect(order.length).toBe(120 - 7 - 2 + 1);

    // A second batch registered with old times lands in the middle.
    await fillQueue(places, 30);
    await expectPositionsExact(queueId);
  });

  it('explains a position change by its causes, step by step', async () => {
    const places = await createPlaces(database.db);
    const day = 86_400_000;
    const t0 = Date.now() - 100 * day;
    const submit = (at: number, category: 'none' | 'large_family' = 'none') =>
      submitApplication(
        database.db,
        applicationInput(places, { childYear: year, priorityCategory: category, at: new Date(at) }),
        parent,
        policy,
        new Date(at),
      ).then((r) => r.application);
    const general = [];
    for (let i = 0; i < 6; i++) general.push(await submit(t0 + i * day));
    const me = general[5]!;
    // A beneficiary registered after me (proof still pending) and a child behind me.
    const beneficiary = await submit(t0 + 10 * day, 'large_family');
    const behind = await submit(t0 + 50 * day);
    expect((await getPosition(database.db, me.id, policy))?.position).toBe(6);
    const lookedAt = new Date();
    await new Promise((r) => setTimeout(r, 5));

    // The beneficiary's right is proven; two children ahead get places; one behind withdraws.
    await grantPriority(database.db, beneficiary.id, policy);
    await changeStatus(database.db, { applicationId: general[0]!.id, event: 'offer', actor: staff, policy });
    await changeStatus(database.db, { applicationId: general[1]!.id, event: 'offer', actor: staff, policy });
    await changeStatus(database.db, { applicationId: behind.id, event: 'withdraw', actor: parent, policy });

    const now = await getPosition(database.db, me.id, policy);
    const explained = await explainPositionChange(database.db, me.id, lookedAt, policy);
    expect(explained?.positionThen).toBe(6);
    expect(explained?.positionNow).toBe(now?.position);
    expect(explained?.ownChange).toBeNull();
    const shift = Object.fromEntries(explained!.reasons.map((r) => [r.reason, r.shift]));
    expect(shift.placed).toBe(-2);
    expect(shift.category_changed).toBe(1);
    expect(shift.withdrawn).toBeUndefined();
    expect(6 + explained!.reasons.reduce((s, r) => s + r.shift, 0)).toBe(now!.position);
    expect(now!.ahead).toEqual({ extraordinary: 0, firstPriority: 1, general: 3 });
  });
});

describe('the status machine', () => {
  it('allows only legal moves, each audited with who and why', async () => {
    const places = await createPlaces(database.db);
    const { application } = await submitApplication(database.db, applicationInput(places), parent, policy);
    const illegal = await changeStatus(database.db, { applicationId: application.id, event: 'enrol', actor: staff, policy }).catch((e: unknown) => e);
    expect(illegal).toBeInstanceOf(IllegalTransitionError);
    expect(illegal).toMatchObject({ from: 'registered', event: 'enrol', code: 'illegal_transition' });
    const byParent = await changeStatus(database.db, { applicationId: application.id, event: 'offer', actor: parent, policy }).catch((e: unknown) => e);
    expect(byParent).toMatchObject({ code: 'actor_not_allowed' });
    const noReason = await changeStatus(database.db, { applicationId: application.id, event: 'refuse', actor: staff, policy }).catch((e: unknown) => e);
    expect(noReason).toMatchObject({ code: 'reason_required' });

    await changeStatus(database.db, { applicationId: application.id, event: 'offer', actor: staff, policy });
    await changeStatus(database.db, { applicationId: application.id, event: 'lapse', actor: SYSTEM, reason: 'confirm_window_passed', policy });
    const [back] = await database.db.select().from(applications).where(eq(applications.id, application.id));
    expect(back?.status).toBe('registered');
    expect(back!.stopUntil!.getTime()).toBeGreaterThan(Date.now() + 9 * 86_400_000);
    // The parent is told the stop list and its end with the lapse (bot/views/notification.ts renders it).
    const told = await database.db.select().from(notifications).where(eq(notifications.applicationId, application.id));
    expect(told.find((n) => n.kind === 'status_lapse')?.params).toMatchObject({
      reason: 'confirm_window_passed',
      stopDays: policy.stopListDays,
      stopUntil: localDate(back!.stopUntil!),
    });
    expect(back!.registeredAt).toEqual(application.registeredAt);
    await changeStatus(database.db, { applicationId: application.id, event: 'offer', actor: staff, policy });
    await changeStatus(database.db, { applicationId: application.id, event: 'confirm', actor: parent, policy });
    await changeStatus(database.db, { applicationId: application.id, event: 'enrol', actor: staff, policy });
    const closed = await changeStatus(database.db, { applicationId: application.id, event: 'withdraw', actor: parent, policy }).catch((e: unknown) => e);
    expect(closed).toMatchObject({ from: 'enrolled', code: 'illegal_transition' });

    const trail = await database.db.select().from(auditLog).where(eq(auditLog.entityId, application.id)).orderBy(auditLog.id);
    expect(trail.filter((t) => t.entity === 'application').map((t) => `${t.actorType}:${t.action}:${t.fromState}>${t.toState}`)).toEqual([
      'parent:application.submit:null>submitted',
      'system:application.register:submitted>registered',
      'staff:application.offer:registered>offered',
      'system:application.lapse:offered>registered',
      'staff:application.offer:registered>offered',
      'parent:application.confirm:offered>referred',
      'staff:application.enrol:referred>enrolled',
    ]);
    expect(trail.find((t) => t.action === 'application.lapse')?.reason).toBe('confirm_window_passed');
  });
});
