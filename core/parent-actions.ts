/** What a parent does from the bot: apply, withdraw, answer an offer; and staff linking an account. */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Queryable, type Tx } from '../db/client.ts';
import { applicationTelegramLinks, notifications } from '../db/schema/index.ts';
import { submitApplication, type ApplicationInput, type SubmitResult } from './applications.ts';
import { attachDocument, type DocumentKind } from './attachments.ts';
import { audit, type Actor } from './audit.ts';
import { IllegalTransitionError, ValidationError } from './errors.ts';
import { assertCanSee, canSeeApplication } from './parent-visibility.ts';
import type { Policy } from './policy.ts';
import { getPositions } from './position.ts';
import { awaitPriorityProof } from './priority-claims.ts';
import { confirmOffer, declineLiveReferral, declineOffer, liveReferralOf, type Referral } from './referrals.ts';
import type { SigningKey } from './signing.ts';
import { transition, type Application } from './status.ts';

/** Staff link a Telegram account to one application only (the applicant's other ones stay hidden). */
export async function linkTelegramToApplication(
  db: Queryable,
  input: { applicationId: number; telegramUserId: number; actor: Actor },
): Promise<void> {
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(applicationTelegramLinks)
      .values({
        applicationId: input.applicationId,
        telegramUserId: input.telegramUserId,
        source: input.actor.type === 'staff' ? 'staff' : 'submitted',
      })
      .onConflictDoNothing()
      .returning({ id: applicationTelegramLinks.id });
    if (inserted.length) {
      await audit(tx, input.actor, {
        action: 'application.telegram_link',
        entity: 'application',
        entityId: input.applicationId,
        data: { telegramUserId: input.telegramUserId },
      });
    }
  });
}

export interface TelegramSubmission {
  input: ApplicationInput;
  telegramUserId: number;
  /** Files the parent sent during the conversation, attached once the application exists. */
  documents?: { kind: DocumentKind; fileName: string | null; bytes: Uint8Array }[];
  policy: Policy;
  now?: Date;
}

export type TelegramSubmitResult = SubmitResult & {
  /** Whether this account may see the application (false: another family's active application). */
  visible: boolean;
  position: number | null;
  /** Documents that could not be attached (type or size), by kind. */
  rejectedDocuments: DocumentKind[];
  /** A right claimed without its proof: when the proof is due (core/priority-claims.ts). */
  proofDueAt: Date | null;
};

/**
 * Submits an application made in the bot. The applicant record is this account's own claim of
 * the IIN (core/applications.ts applicantFor): a parent applying for themselves is bound to the
 * account, one acting by power of attorney is not (the account is the representative's). Always
 * records that this account submitted this application; attaches the files; and, since the bot
 * shows the registration notice at once, records the registration notification as delivered in
 * the chat instead of sending it again.
 */
export async function submitFromTelegram(db: Queryable, s: TelegramSubmission): Promise<TelegramSubmitResult> {
  const now = s.now ?? new Date();
  const input: ApplicationInput = {
    ...s.input,
    channel: 'bot',
    applicant: { ...s.input.applicant, telegramUserId: s.input.representative ? null : s.telegramUserId },
  };
  // One transaction: the application, its Telegram link and its files are kept together or not at all.
  return db.transaction(async (tx) => submitInTransaction(tx, s, input, now));
}

async function submitInTransaction(db: Tx, s: TelegramSubmission, input: ApplicationInput, now: Date): Promise<TelegramSubmitResult> {
  const result = await submitApplication(db, input, { type: 'parent', id: null }, s.policy, now);
  if (!result.created) {
    return {
      ...result,
      visible: await canSeeApplication(db, s.telegramUserId, result.application.id),
      position: null,
      rejectedDocuments: [],
      proofDueAt: null,
    };
  }
  const app = result.application;
  const actor: Actor = { type: 'parent', id: app.applicantId };
  await linkTelegramToApplication(db, { applicationId: app.id, telegramUserId: s.telegramUserId, actor });
  const rejected: DocumentKind[] = [];
  for (const doc of s.documents ?? []) {
    try {
      await attachDocument(db, { applicationId: app.id, kind: doc.kind, fileName: doc.fileName, bytes: doc.bytes, actor, policy: s.policy, now });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      rejected.push(doc.kind);
    }
  }
  // A right claimed without its proof (sent later, or refused above): the proof is awaited.
  const proofAttached = (s.documents ?? []).some((d) => d.kind === 'priority_proof' && !rejected.includes('priority_proof'));
  const proofDueAt = app.priorityCategory !== 'none' && !proofAttached ? await awaitPriorityProof(db, { applicationId: app.id, actor, policy: s.policy, now }) : null;
  await db
    .update(notifications)
    .set({ status: 'sent', sentAt: now, lastError: 'delivered in the chat with the registration notice' })
    .where(and(eq(notifications.applicationId, app.id), eq(notifications.kind, 'status_register'), eq(notifications.status, 'pending')));
  const position = (await getPositions(db, [app.id], s.policy)).get(app.id)?.position ?? null;
  return { ...result, visible: true, position, rejectedDocuments: rejected, proofDueAt };
}

/** The parent withdraws their application from the bot (status machine: parent may withdraw any active one). */
export async function withdrawByParent(
  db: Queryable,
  input: { telegramUserId: number; applicationId: number; policy: Policy; now?: Date },
): Promise<Application> {
  await assertCanSee(db, input.telegramUserId, input.applicationId);
  const [owner] = await rowsOf<{ applicant_id: number }>(
    db,
    sql`select applicant_id from applications where id = ${input.applicationId}`,
  );
  const actor = { type: 'parent' as const, id: owner?.applicant_id ?? null };
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    // A seat held by an offer or referral is freed with the withdrawal, not at its deadline.
    await declineLiveReferral(tx, { applicationId: input.applicationId, actor, policy: input.policy, now });
    return transition(tx, {
      applicationId: input.applicationId,
      event: 'withdraw',
      actor,
      reason: 'parent_request',
      data: { channel: 'bot', telegramUserId: input.telegramUserId },
      policy: input.policy,
      now,
    });
  });
}

/** The parent accepts or turns down an offered place from the bot (core/referrals.ts does the rest). */
export async function answerOfferByParent(
  db: Queryable,
  input: { telegramUserId: number; applicationId: number; accept: boolean; policy: Policy; signingKey: SigningKey; now?: Date },
): Promise<Referral> {
  await assertCanSee(db, input.telegramUserId, input.applicationId);
  const referral = await liveReferralOf(db, input.applicationId);
  if (!referral || referral.status !== 'offered') {
    throw new IllegalTransitionError(referral?.status ?? 'none', input.accept ? 'confirm' : 'decline');
  }
  const [owner] = await rowsOf<{ applicant_id: number }>(db, sql`select applicant_id from applications where id = ${input.applicationId}`);
  const action = { referralId: referral.id, actor: { type: 'parent' as const, id: owner?.applicant_id ?? null }, policy: input.policy, ...(input.now ? { now: input.now } : {}) };
  return input.accept ? confirmOffer(db, { ...action, signingKey: input.signingKey }) : declineOffer(db, action);
}
