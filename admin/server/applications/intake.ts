/**
 * POST /api/applications: intake on a parent's behalf at the office or the service centre;
 * GET /api/applications/duplicate?childIin=…: whether the child already has an active application.
 */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { districts } from '../../../db/schema/index.ts';
import { applicationInputSchema, findActiveApplicationByChildIin, submitApplication } from '../../../core/applications.ts';
import { audit } from '../../../core/audit.ts';
import { ValidationError } from '../../../core/errors.ts';
import { maskIin, normalizeIin, parseIin } from '../../../core/iin.ts';
import { INT_RANGES, isoDay } from '../../../core/input.ts';
import { can, canInDistrict } from '../../../core/permissions.ts';
import { actorOf, inScope, need, parseBody, readJson, type ApiContext, type ApiDeps, type ApiEnv } from '../context.ts';

/** Ids as the columns hold them (serial, int4): a bigger number would reach PostgreSQL as an error. */
const rowId = z.number().int().min(1).max(INT_RANGES.int4.max);
const representativeSchema = applicationInputSchema.shape.representative.unwrap().unwrap();

const intakeSchema = applicationInputSchema.omit({ applicant: true, channel: true }).extend({
  applicant: applicationInputSchema.shape.applicant.omit({ consentAt: true, telegramUserId: true }),
  representative: representativeSchema.extend({ poaDate: isoDay }).nullish(),
  districtId: rowId,
  kindergartenIds: z.array(rowId).min(1),
  channel: z.enum(['office', 'centre']),
  /** The operator confirms the applicant consented to the use of their personal data. */
  consent: z.literal(true),
});

export function intakeRoutes(deps: ApiDeps) {
  const db = deps.database.db;

  /**
   * The answer to an intake for a child who already has an active application. Staff who may read
   * that application see which one it is; anyone else learns only that it exists and which
   * district's department to send the parent to — no id, number or status, so typing IINs at the
   * intake cannot probe children of other districts. Every such answer is audited.
   */
  async function duplicateAnswer(c: ApiContext, app: { id: number; number: string; status: string; districtId: number }, childIin: string) {
    const visible = can(c.get('session').user, 'applications.read') && inScope(c, 'applications.read', app.districtId);
    await audit(db, actorOf(c), {
      action: 'application.duplicate_answer',
      entity: 'application',
      entityId: app.id,
      // The IIN masked as in the look-up's audit rows; the application id says which child.
      data: { childIin: maskIin(normalizeIin(childIin)), answer: visible ? 'shown' : 'elsewhere', districtId: app.districtId },
    });
    if (visible) return { id: app.id, number: app.number, status: app.status, duplicate: true, visible: true } as const;
    const [district] = await db
      .select({ id: districts.id, nameKk: districts.nameKk, nameRu: districts.nameRu })
      .from(districts)
      .where(eq(districts.id, app.districtId));
    return { duplicate: true, visible: false, elsewhere: { district: district ?? null } } as const;
  }

  return new Hono<ApiEnv>()
    // The intake asks as soon as the child's IIN is typed: the same answer (and audit row) as a
    // submitted duplicate, before the operator types the rest of the form.
    .get('/duplicate', need('applications.intake'), async (c) => {
      const iin = normalizeIin(c.req.query('childIin') ?? '');
      if (!parseIin(iin).ok) throw new ValidationError([{ field: 'childIin', code: 'iin_format' }]);
      const app = await findActiveApplicationByChildIin(db, iin);
      return c.json(app ? await duplicateAnswer(c, app, iin) : ({ duplicate: false } as const));
    })
    .post('/', need('applications.intake'), async (c) => {
      const { consent: _consent, ...input } = parseBody(intakeSchema, await readJson(c));
      if (!canInDistrict(c.get('session').user, 'applications.intake', input.districtId)) {
        throw new ValidationError([{ field: 'districtId', code: 'district_not_yours' }]);
      }
      const now = new Date();
      const result = await submitApplication(
        db,
        { ...input, applicant: { ...input.applicant, consentAt: now, telegramUserId: null } },
        actorOf(c),
        deps.policy,
        now,
      );
      const app = result.application;
      if (result.created) return c.json({ id: app.id, number: app.number, status: app.status, duplicate: false, visible: true } as const, 201);
      return c.json(await duplicateAnswer(c, app, input.child.iin), 200);
    });
}
