/** SPEC §13–14: the provider checks the documents; refusal on violations, otherwise the result. */
import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { applications, documents } from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import { IllegalTransitionError, NotFoundError } from './errors.ts';
import type { Policy } from './policy.ts';
import { transition, type Application } from './status.ts';

export interface VerifyApplicationInput {
  applicationId: number;
  actor: Actor;
  note?: string | null;
  policy: Policy;
  now?: Date;
}

export function needsVerification(status: Application['status'], pendingDocuments: number): boolean {
  return status === 'submitted' || (status === 'registered' && pendingDocuments > 0);
}

export async function verifyApplication(db: Queryable, input: VerifyApplicationInput): Promise<Application> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const [app] = await tx.select().from(applications).where(eq(applications.id, input.applicationId)).for('update');
    if (!app) throw new NotFoundError('application', input.applicationId);
    const pending = await tx
      .select({ id: documents.id })
      .from(documents)
      .where(and(eq(documents.applicationId, app.id), eq(documents.verification, 'pending')));
    if (!needsVerification(app.status, pending.length)) throw new IllegalTransitionError(app.status, 'verify');
    const verifiedBy = input.actor.type === 'staff' ? input.actor.id : null;
    if (pending.length) {
      await tx
        .update(documents)
        .set({ verification: 'verified', verifiedBy, verifiedAt: now, verificationNote: input.note ?? null })
        .where(and(eq(documents.applicationId, app.id), eq(documents.verification, 'pending')));
    }
    await audit(tx, input.actor, {
      action: 'application.verify',
      entity: 'application',
      entityId: app.id,
      from: app.status,
      to: app.status === 'submitted' ? 'registered' : app.status,
      data: { documents: pending.map((d) => d.id), ...(input.note ? { comment: input.note } : {}) },
      at: now,
    });
    if (app.status !== 'submitted') return app;
    return transition(tx, {
      applicationId: app.id,
      event: 'register',
      actor: input.actor,
      reason: 'documents_verified',
      now,
      policy: input.policy,
    });
  });
}

export interface VerifyDocumentInput {
  documentId: number;
  decision: 'verified' | 'rejected';
  actor: Actor;
  note?: string | null;
  now?: Date;
}

/** One document checked by hand; a rejection needs a note the parent can act on. */
export async function verifyDocument(db: Queryable, input: VerifyDocumentInput) {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const [doc] = await tx.select().from(documents).where(eq(documents.id, input.documentId)).for('update');
    if (!doc) throw new NotFoundError('document', input.documentId);
    if (input.decision === 'rejected' && !input.note?.trim()) {
      throw new IllegalTransitionError(doc.verification, 'reject_document', 'reason_required');
    }
    const [updated] = await tx
      .update(documents)
      .set({
        verification: input.decision,
        verifiedBy: input.actor.type === 'staff' ? input.actor.id : null,
        verifiedAt: now,
        verificationNote: input.note ?? null,
      })
      .where(eq(documents.id, doc.id))
      .returning({ id: documents.id, verification: documents.verification });
    await audit(tx, input.actor, {
      action: `document.${input.decision === 'verified' ? 'verify' : 'reject'}`,
      entity: 'document',
      entityId: doc.id,
      from: doc.verification,
      to: input.decision,
      data: { applicationId: doc.applicationId, ...(input.note ? { comment: input.note } : {}) },
      at: now,
    });
    return updated!;
  });
}

export { REFUSAL_REASONS } from './refusals.ts';
