/**
 * GET /api/applications/:id: one application with everything about it and what this user may do
 * with it; GET /api/applications/:id/notice.pdf: its registration notice for printing.
 */
import { Hono } from 'hono';
import { getApplicationDetail } from '../../../core/application-view.ts';
import { certificateWarning } from '../../../core/certificates.ts';
import { awaitsSecondApproval } from '../../../core/priority.ts';
import { printNotice } from '../../../core/result-documents.ts';
import { canInDistrict } from '../../../core/permissions.ts';
import { canTransition } from '../../../core/status.ts';
import { unreachableOfApplication } from '../../../core/unreachable.ts';
import { needsVerification } from '../../../core/verification.ts';
import { actorOf, inScope, need, pathId, type ApiDeps, type ApiEnv } from '../context.ts';
import { langOf, sendPdf } from '../print.ts';
import { districtOf } from './district.ts';

export function detailRoutes(deps: ApiDeps) {
  const db = deps.database.db;
  return new Hono<ApiEnv>()
    .get('/:id', need('applications.read'), async (c) => {
      const id = pathId(c);
      await districtOf(db, c, id, 'applications.read');
      const [d, telegramUnreachable] = await Promise.all([getApplicationDetail(db, id, deps.policy), unreachableOfApplication(db, id)]);
      const user = c.get('session').user;
      const pending = d.documents.filter((doc) => doc.verification === 'pending').length;
      const here = (p: Parameters<typeof canInDistrict>[1]) => canInDistrict(user, p, d.application.districtId);
      const decidePriority =
        here('applications.priority') && d.application.priorityCategory !== 'none' && d.application.priorityProof === 'pending';
      const waiting = awaitsSecondApproval(d.application);
      const firstApproval = waiting ? d.history.findLast((h) => h.action === 'application.priority_first_approval') : undefined;
      const proofSentAt = d.documents.findLast((doc) => doc.kind === 'priority_proof')?.createdAt ?? null;
      return c.json({
        ...d.application,
        child: d.child,
        applicant: d.applicant,
        representative: d.representative,
        district: d.district,
        kindergartens: d.kindergartens,
        documents: d.documents,
        referrals: d.referrals,
        history: d.history,
        position: d.position,
        expectedWait: d.expectedWait,
        ahead: d.ahead,
        // The same IIN given with other contacts or by another Telegram account: staff decide.
        // Applications outside the user's districts are counted, not shown.
        identityClaims: d.identityClaims.map(({ applications: apps, ...claim }) => ({
          ...claim,
          applications: apps.filter((x) => inScope(c, 'applications.read', x.districtId)),
          applicationsElsewhere: apps.filter((x) => !inScope(c, 'applications.read', x.districtId)).length,
        })),
        // Telegram refuses the parent's chat: staff phone them (core/unreachable.ts).
        telegramUnreachable,
        // Four eyes on a priority right: who approved first and when, while a second approval is awaited.
        secondApproval: waiting
          ? { firstApproverId: d.application.priorityFirstApproverId, firstApproverName: firstApproval?.actorName ?? null, at: d.application.priorityFirstApprovedAt }
          : null,
        certificateWarning: certificateWarning(d.application, proofSentAt, new Date(), deps.policy),
        // What this user may do now; the panel shows these buttons, the API checks again.
        actions: {
          verify: here('applications.verify') && needsVerification(d.application.status, pending),
          refuse: here('applications.refuse') && canTransition(d.application.status, 'refuse', 'staff'),
          priority: decidePriority,
          // The first approver may still deny the claim, never approve it a second time.
          approvePriority: decidePriority && !(waiting && d.application.priorityFirstApproverId === user.id),
          downloadDocuments: here('documents.download'),
          uploadDocuments: here('documents.upload'),
        },
      });
    })
    /** The registration notice as the bot's (appendix 4), for printing; ?lang=kk|ru. */
    .get('/:id/notice.pdf', need('applications.read'), async (c) => {
      const id = pathId(c);
      await districtOf(db, c, id, 'applications.read');
      return sendPdf(c, await printNotice(db, { applicationId: id, actor: actorOf(c), lang: langOf(c), policy: deps.policy }));
    });
}
