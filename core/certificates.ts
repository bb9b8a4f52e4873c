import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { applications } from '../db/schema/index.ts';
import { SYSTEM } from './audit.ts';
import { localDate } from './calendar.ts';
import type { JobHandler } from './jobs.ts';
import { enqueueNotification } from './notifications.ts';
import type { Policy } from './policy.ts';
import { decidePriorityClaim } from './priority.ts';
import type { PriorityCategory, ProofState } from './queue.ts';

/**
 * Verification time is a setting (proofVerificationDays), not a median from the audit log: the
 * parent is told a number before sending, and it must not jump with one slow week.
 */
export const CERTIFICATE_REMIND_JOB = 'certificate.remind';
export const CERTIFICATE_EXPIRE_JOB = 'certificate.expire';

export type CertificateWarning =
  /** The claim waits for verification and its certificate will likely lapse first: send a newer one. */
  | { kind: 'lapses_before_verification'; validUntil: Date; verifiedBy: Date; days: number }
  /** The right is granted and the certificate lapses soon: send a new one now so it is verified in time. */
  | { kind: 'renew'; validUntil: Date; sendBy: Date; days: number };

export interface CertificateState {
  priorityCategory: PriorityCategory;
  priorityProof: ProofState;
  priorityProofValidUntil: Date | null;
}

/** A sent certificate was issued at the latest when it was sent (`proofSentAt`). */
export function certificateWarning(
  app: CertificateState,
  proofSentAt: Date | null,
  now: Date,
  policy: Pick<Policy, 'expiringProofCategories' | 'certificateValidityDays' | 'proofVerificationDays' | 'certificateRenewalReminderDays'>,
): CertificateWarning | null {
  if (!(policy.expiringProofCategories as string[]).includes(app.priorityCategory)) return null;
  const days = policy.proofVerificationDays;
  if (app.priorityProof === 'pending' && proofSentAt) {
    const validUntil = new Date(proofSentAt.getTime() + policy.certificateValidityDays * 86_400_000);
    const verifiedBy = new Date(Math.max(now.getTime(), proofSentAt.getTime()) + days * 86_400_000);
    return validUntil < verifiedBy ? { kind: 'lapses_before_verification', validUntil, verifiedBy, days } : null;
  }
  if (app.priorityProof === 'verified' && app.priorityProofValidUntil) {
    const validUntil = app.priorityProofValidUntil;
    const warnFrom = validUntil.getTime() - Math.max(policy.certificateRenewalReminderDays, days) * 86_400_000;
    if (now.getTime() < warnFrom || now > validUntil) return null;
    return { kind: 'renew', validUntil, sendBy: new Date(validUntil.getTime() - days * 86_400_000), days };
  }
  return null;
}

const payloadSchema = z.object({ applicationId: z.number().int(), validUntil: z.string() });

export function certificateJobs(policy: () => Policy): Record<string, JobHandler> {
  const current = async (tx: Parameters<JobHandler>[0], payload: unknown) => {
    const p = payloadSchema.parse(payload);
    const [app] = await tx.select().from(applications).where(eq(applications.id, p.applicationId));
    const live = app && app.priorityProof === 'verified' && app.priorityProofValidUntil?.toISOString() === p.validUntil;
    return live ? app : null;
  };
  return {
    [CERTIFICATE_REMIND_JOB]: async (tx, job, now) => {
      const app = await current(tx, job.payload);
      if (!app || !['submitted', 'registered'].includes(app.status) || now > app.priorityProofValidUntil!) return;
      const validUntil = app.priorityProofValidUntil!;
      await enqueueNotification(tx, {
        applicantId: app.applicantId,
        applicationId: app.id,
        kind: 'certificate_renew',
        params: {
          number: app.number,
          validUntil: localDate(validUntil),
          sendBy: localDate(new Date(validUntil.getTime() - policy().proofVerificationDays * 86_400_000)),
          days: policy().proofVerificationDays,
        },
        dedupeKey: `certificate:${app.id}:${validUntil.toISOString()}`,
      });
    },
    [CERTIFICATE_EXPIRE_JOB]: async (tx, job, now) => {
      const app = await current(tx, job.payload);
      if (!app || now < app.priorityProofValidUntil!) return;
      await decidePriorityClaim(tx, { applicationId: app.id, decision: 'expired', actor: SYSTEM, now, policy: policy() });
    },
  };
}
