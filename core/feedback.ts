/** Service ratings (regulation 000, appendix 6). */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { feedback, notifications } from '../db/schema/index.ts';
import { ValidationError } from './errors.ts';
import { languageSchema } from './input.ts';

export const QUALITY_INDICATORS = ['withinDeadline', 'process', 'information', 'electronic', 'complaints', 'courtesy'] as const;
export type QualityIndicator = (typeof QUALITY_INDICATORS)[number];

const rating = z.number().int().min(1).max(5).nullish();

export const feedbackInputSchema = z
  .object({
    applicantId: z.number().int().positive().nullish(),
    applicationId: z.number().int().positive().nullish(),
    language: languageSchema.nullish(),
    withinDeadline: rating,
    process: rating,
    information: rating,
    electronic: rating,
    complaints: rating,
    courtesy: rating,
    comment: z.string().trim().max(1000).nullish(),
  })
  .refine((f) => QUALITY_INDICATORS.some((k) => f[k] != null), { message: 'at least one rating', path: ['ratings'] });

export type FeedbackInput = z.input<typeof feedbackInputSchema>;

export async function submitFeedback(db: Queryable, raw: FeedbackInput): Promise<{ id: number }> {
  const parsed = feedbackInputSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'ratings', code: i.code === 'custom' ? 'required' : 'invalid' })),
    );
  }
  const f = parsed.data;
  const [row] = await db
    .insert(feedback)
    .values({
      applicantId: f.applicantId ?? null,
      applicationId: f.applicationId ?? null,
      language: f.language ?? null,
      withinDeadline: f.withinDeadline ?? null,
      process: f.process ?? null,
      information: f.information ?? null,
      electronic: f.electronic ?? null,
      complaints: f.complaints ?? null,
      courtesy: f.courtesy ?? null,
      comment: f.comment || null,
    })
    .returning({ id: feedback.id });
  return { id: row!.id };
}

export async function hasFeedback(db: Queryable, applicationId: number): Promise<boolean> {
  const rows = await db
    .select({ one: sql<number>`1` })
    .from(feedback)
    .where(and(eq(feedback.applicationId, applicationId)))
    .limit(1);
  return rows.length > 0;
}

/** Asked once, with the first result; registration is not a result. */
export const RATING_AFTER: readonly string[] = ['status_offer', 'status_confirm', 'status_refuse'];

export async function ratingInvitations(db: Queryable, notificationIds: number[]): Promise<Set<number>> {
  if (notificationIds.length === 0) return new Set();
  const kinds = sql`array[${sql.join(RATING_AFTER.map((k) => sql`${k}`), sql`, `)}]::text[]`;
  const rows = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        inArray(notifications.id, notificationIds),
        sql`${notifications.kind} = any(${kinds})`,
        sql`not exists (select 1 from notifications e where e.application_id = ${notifications.applicationId}
              and e.kind = any(${kinds}) and e.id < ${notifications.id})`,
        sql`not exists (select 1 from feedback f where f.application_id = ${notifications.applicationId})`,
      ),
    );
  return new Set(rows.map((r) => Number(r.id)));
}
