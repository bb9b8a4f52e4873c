/**
 * Racing submissions for one child on the real server (PGlite is a single session): only the
 * winner writes person records, losers leave nothing but the audit row of their attempt, and a
 * child already on record is never rewritten by a submission.
 */
import { randomInt } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../../db/client.ts';
import { applicants, applications, auditLog, children, representatives } from '../../db/schema/index.ts';
import { submitApplication, type ApplicationInput } from '../../core/applications.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { changeStatus } from '../../core/status.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, newAdultIin, newChild, type Places } from '../support/factories.ts';

// Names take letters only (core/person-name.ts): a letter tells the racers apart.
const LETTERS = 'АӘБВГҒДЕЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШ';
const tag = (i: number) => `${LETTERS[i % LETTERS.length]}${LETTERS[Math.floor(i / LETTERS.length)]!.toLowerCase()}`;

let database: Database;
let places: Places;

beforeAll(async () => {
  database = await openTestDatabase({ poolSize: 25 });
  places = await createPlaces(database.db);
});
afterAll(async () => {
  await database.close();
});

const RACERS = 50;

/** 50 walk-in (and bot) submissions for one child, each with its own applicant, child details and, for some, a representative. */
function racers(child: { iin: string; birthDate: string }): ApplicationInput[] {
  return Array.from({ length: RACERS }, (_, i) => {
    const input = applicationInput(places);
    const office = i % 2 === 0;
    return {
      ...input,
      channel: office ? 'office' : 'bot',
      applicant: {
        ...input.applicant,
        iin: newAdultIin(),
        fullName: `Жарысов Ата-ана ${tag(i)}`,
        phones: [`+7 701 ${String(1_000_000 + i * 7919).slice(0, 7)}`],
        address: `Алматы, Жарыс көшесі, ${i + 1}`,
        telegramUserId: office ? null : randomInt(1, 2 ** 40),
      },
      representative:
        i % 3 === 0
          ? { iin: newAdultIin(), fullName: `Сенімхатов Өкіл ${tag(i)}`, phone: null, telegramUserId: null, poaNumber: `P-${i}`, poaDate: '2025-01-15', poaIssuer: 'Нотариус' }
          : null,
      child: { iin: child.iin, birthDate: child.birthDate, fullName: `Жарысова Бала ${tag(i)}`, birthCertificateNumber: `II-${100000 + i}` },
    };
  });
}

async function race(inputs: ApplicationInput[]) {
  const staff = { type: 'staff', id: 1 } as const;
  return Promise.all(inputs.map((input) => submitApplication(database.db, input, input.channel === 'office' ? staff : { type: 'parent', id: null }, defaultPolicy)));
}

/** Applicant and representative records of these IINs that no application refers to. */
async function orphans(inputs: ApplicationInput[]) {
  const applicantIins = inputs.map((i) => i.applicant.iin);
  const repIins = inputs.flatMap((i) => (i.representative ? [i.representative.iin] : []));
  const [row] = await rowsOf<{ applicants: number; representatives: number; all_applicants: number; all_representatives: number }>(
    database.db,
    sql`select
      (select count(*)::int from applicants p where p.iin in ${applicantIins} and not exists (select 1 from applications a where a.applicant_id = p.id)) as applicants,
      (select count(*)::int from representatives r where r.iin in ${repIins} and not exists (select 1 from applications a where a.representative_id = r.id)) as representatives,
      (select count(*)::int from applicants p where p.iin in ${applicantIins}) as all_applicants,
      (select count(*)::int from representatives r where r.iin in ${repIins}) as all_representatives`,
  );
  return row!;
}

describe('50 racing submissions for one child with differing details', () => {
  it('a new child: one application, the winner alone wrote the child, applicant and representative', async () => {
    const child = newChild();
    const inputs = racers(child);
    const results = await race(inputs);

    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winnerIndex = results.findIndex((r) => r.created);
    const winner = inputs[winnerIndex]!;
    const app = results[winnerIndex]!.application;
    expect(new Set(results.map((r) => r.application.id))).toEqual(new Set([app.id]));

    const [stored] = await database.db.select().from(children).where(eq(children.iin, child.iin));
    expect(stored).toMatchObject({ fullName: winner.child.fullName, birthCertificateNumber: winner.child.birthCertificateNumber });
    const [applicant] = await database.db.select().from(applicants).where(eq(applicants.id, app.applicantId));
    expect(applicant).toMatchObject({ iin: winner.applicant.iin, fullName: winner.applicant.fullName });
    expect(app.submittedChild).toBeNull();

    expect(await orphans(inputs)).toEqual({
      applicants: 0,
      representatives: 0,
      all_applicants: 1,
      all_representatives: winner.representative ? 1 : 0,
    });
    const trail = await database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, app.id), inArray(auditLog.action, ['application.submit', 'application.submit_duplicate'])));
    expect(trail.filter((a) => a.action === 'application.submit')).toHaveLength(1);
    expect(trail.filter((a) => a.action === 'application.submit_duplicate')).toHaveLength(RACERS - 1);
  });

  it('a child on record: the record stays as it was, the winner\'s different details are kept on the application for staff', async () => {
    const child = newChild();
    // The child applied before and withdrew: the record exists, no active application.
    const before = applicationInput(places);
    before.child = { ...before.child, iin: child.iin, birthDate: child.birthDate, fullName: 'Бұрынғы Айсұлу Ерланқызы', birthCertificateNumber: 'I-АЖ 000001' };
    const first = await submitApplication(database.db, before, { type: 'parent', id: null }, defaultPolicy);
    await changeStatus(database.db, { applicationId: first.application.id, event: 'withdraw', actor: { type: 'parent', id: null }, reason: 'parent_request', policy: defaultPolicy });
    const [recordBefore] = await database.db.select().from(children).where(eq(children.iin, child.iin));

    const inputs = racers(child);
    const results = await race(inputs);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winnerIndex = results.findIndex((r) => r.created);
    const winner = inputs[winnerIndex]!;
    const app = results[winnerIndex]!.application;

    const [recordAfter] = await database.db.select().from(children).where(eq(children.iin, child.iin));
    expect(recordAfter).toEqual(recordBefore);
    expect(app.childId).toBe(recordBefore!.id);
    const [stored] = await database.db.select({ submittedChild: applications.submittedChild }).from(applications).where(eq(applications.id, app.id));
    expect(stored?.submittedChild).toEqual({ fullName: winner.child.fullName, birthCertificateNumber: winner.child.birthCertificateNumber });
    const active = await database.db
      .select({ id: applications.id })
      .from(applications)
      .where(and(eq(applications.childId, recordBefore!.id), inArray(applications.status, ['submitted', 'registered', 'offered', 'referred'])));
    expect(active).toEqual([{ id: app.id }]);
    expect((await orphans(inputs)).applicants).toBe(0);
    expect((await orphans(inputs)).representatives).toBe(0);
    expect(await database.db.select({ id: representatives.id }).from(representatives).where(inArray(representatives.iin, inputs.flatMap((i) => (i.representative ? [i.representative.iin] : []))))).toHaveLength(winner.representative ? 1 : 0);
  });
});
