/** Changes to a submitted application. Neither moves the child: the order depends only on registration time and category. */
import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { applicants, applications } from '../db/schema/index.ts';
import { checkKindergartens } from './applications.ts';
import { audit, type Actor } from './audit.ts';
import { closeCheckOnNewPhone } from './contact-checks.ts';
import { IllegalTransitionError, NotFoundError, ValidationError, type FieldError } from './errors.ts';
import { maskPhone, normalizePhone } from './phone.ts';
import type { Policy } from './policy.ts';
import type { Application, ApplicationStatus } from './status.ts';

/** Kindergartens can be changed while the child has no offer yet. */
export const KINDERGARTEN_CHANGE_STATUSES: readonly ApplicationStatus[] = ['submitted', 'registered'];

export function checkKindergartenChoice(kindergartenIds: readonly number[], policy: Policy): FieldError[] {
  if (kindergartenIds.length === 0) return [{ field: 'kindergartenIds', code: 'required' }];
  const errors: FieldError[] = [];
  if (kindergartenIds.length > policy.maxKindergartens) {
    errors.push({ field: 'kindergartenIds', code: 'too_many_kindergartens', params: { count: policy.maxKindergartens } });
  }
  if (new Set(kindergartenIds).size !== kindergartenIds.length) {
    errors.push({ field: 'kindergartenIds', code: 'duplicate_kindergarten' });
  }
  return errors;
}

export async function changeKindergartens(
  db: Queryable,
  input: { applicationId: number; kindergartenIds: number[]; actor: Actor; policy: Policy; now?: Date },
): Promise<Application> {
  const now = input.now ?? new Date();
  const choiceErrors = checkKindergartenChoice(input.kindergartenIds, input.policy);
  if (choiceErrors.length) throw new ValidationError(choiceErrors);
  return db.transaction(async (tx) => {
    const [app] = await tx.select().from(applications).where(eq(applications.id, input.applicationId)).for('update');
    if (!app) throw new NotFoundError('application', input.applicationId);
    if (!KINDERGARTEN_CHANGE_STATUSES.includes(app.status)) {
      throw new IllegalTransitionError(app.status, 'change_kindergartens');
    }
    const placeErrors = await checkKindergartens(tx, app.districtId, app.language, input.kindergartenIds);
    if (placeErrors.length) throw new ValidationError(placeErrors);
    const [updated] = await tx
      .update(applications)
      .set({ kindergartenIds: input.kindergartenIds, updatedAt: now })
      .where(eq(applications.id, app.id))
      .returning();
    await audit(tx, input.actor, {
      action: 'application.kindergartens',
      entity: 'application',
      entityId: app.id,
      from: app.kindergartenIds.join(','),
      to: input.kindergartenIds.join(','),
      at: now,
    });
    return updated!;
  });
}

/** Earlier phones stay as spares. `verified` only for Telegram's shared contact of the account itself. */
export async function changeApplicantPhone(
  db: Queryable,
  input: { applicationId: number; phone: string; verified: boolean; actor: Actor; now?: Date; note?: string },
): Promise<{ phone: string }> {
  const now = input.now ?? new Date();
  const phone = normalizePhone(input.phone);
  if (!phone) throw new ValidationError([{ field: 'phone', code: 'phone_invalid' }]);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ applicant: applicants })
      .from(applications)
      .innerJoin(applicants, eq(applicants.id, applications.applicantId))
      .where(eq(applications.id, input.applicationId))
      .for('update', { of: applicants });
    if (!row) throw new NotFoundError('application', input.applicationId);
    const before = row.applicant;
    const sameAsMain = before.phones[0] === phone;
    const phones = [phone, ...before.phones.filter((p) => p !== phone)].slice(0, 3);
    await tx
      .update(applicants)
      .set({
        phones,
        phoneVerifiedAt: input.verified ? now : sameAsMain ? before.phoneVerifiedAt : null,
      })
      .where(eq(applicants.id, before.id));
    await audit(tx, input.actor, {
      action: 'applicant.phone',
      entity: 'applicant',
      entityId: before.id,
      from: before.phones[0] ? maskPhone(before.phones[0]) : null,
      to: maskPhone(phone),
      reason: input.note ?? null,
      data: { applicationId: input.applicationId, verified: input.verified },
      at: now,
    });
    await closeCheckOnNewPhone(tx, before.id, input.actor, now);
    return { phone };
  });
}
