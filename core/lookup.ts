/** SPEC: the call centre sees no more personal data than it needs; every look-up is audited with its reason. */
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { applicants, applications, children, districts, groups, kindergartens, referrals, representatives } from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import { ValidationError, type FieldError } from './errors.ts';
import { maskIin, normalizeIin } from './iin.ts';
import { maskPhone } from './phone.ts';
import type { Policy } from './policy.ts';
import { getPosition } from './position.ts';
import type { Application, ApplicationStatus } from './status.ts';
import type { Language } from '../locales/languages.ts';

export const lookupInputSchema = z.object({
  query: z.string().trim().min(1).max(40),
  reason: z.string().trim().max(500),
});

export type LookupQuery = { kind: 'iin'; iin: string } | { kind: 'number'; number: string };

export function classifyQuery(input: string): LookupQuery | null {
  const trimmed = input.trim();
  const number = /^(\d{4})\s*[-/]\s*(\d{1,7})$/.exec(trimmed);
  if (number) return { kind: 'number', number: `${number[1]}-${number[2]!.padStart(7, '0')}` };
  const iin = normalizeIin(trimmed);
  if (/^\d{12}$/.test(iin)) return { kind: 'iin', iin };
  return null;
}

/** UNION of three index look-ups: an OR across joined tables would read the whole table. */
export function applicationsMatching(query: LookupQuery): SQL {
  if (query.kind === 'number') return sql`${applications.number} = ${query.number}`;
  return sql`${applications.id} in (
    select a.id from applications a join children c on c.id = a.child_id where c.iin = ${query.iin}
    union select a.id from applications a join applicants p on p.id = a.applicant_id where p.iin = ${query.iin}
    union select a.id from applications a join representatives r on r.id = a.representative_id where r.iin = ${query.iin})`;
}

/**
 * Names masked to what a parent on the phone can confirm: the given name (the second word of
 * "Surname Name Patronymic") stays, the other words keep their first letter.
 */
export function maskName(fullName: string): string {
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  if (words.length === 1) return `${[...words[0]!][0] ?? ''}•••`;
  return words.map((w, i) => (i === 1 ? w : `${[...w][0]}.`)).join(' ');
}

export type NextStep =
  | 'wait_check'
  | 'wait_place'
  | 'stop_list'
  | 'confirm_place'
  | 'present_referral'
  | 'done'
  | 'reapply_after_refusal'
  | 'reapply';

export function nextStepOf(
  app: Pick<Application, 'status' | 'registeredAt' | 'stopUntil'>,
  referral: { confirmBy: Date; presentBy: Date | null; extendedUntil: Date | null } | null,
  policy: Pick<Policy, 'resultDeadlineMinutes'>,
  now: Date,
): { step: NextStep; deadline: Date | null } {
  const steps: Record<ApplicationStatus, () => { step: NextStep; deadline: Date | null }> = {
    submitted: () => ({ step: 'wait_check', deadline: new Date(app.registeredAt.getTime() + policy.resultDeadlineMinutes * 60_000) }),
    registered: () =>
      app.stopUntil && app.stopUntil > now ? { step: 'stop_list', deadline: app.stopUntil } : { step: 'wait_place', deadline: null },
    offered: () => ({ step: 'confirm_place', deadline: referral?.confirmBy ?? null }),
    referred: () => ({ step: 'present_referral', deadline: referral?.extendedUntil ?? referral?.presentBy ?? null }),
    enrolled: () => ({ step: 'done', deadline: null }),
    refused: () => ({ step: 'reapply_after_refusal', deadline: null }),
    withdrawn: () => ({ step: 'reapply', deadline: null }),
    lapsed: () => ({ step: 'reapply', deadline: null }),
  };
  return steps[app.status]();
}

export interface LookupAnswer {
  id: number;
  number: string;
  status: ApplicationStatus;
  childName: string;
  childIin: string;
  birthYear: number;
  applicantName: string;
  applicantPhone: string | null;
  representativeName: string | null;
  districtKk: string;
  districtRu: string;
  language: Language;
  channel: Application['channel'];
  registeredAt: Date;
  queueNumber: number | null;
  priorityCategory: Application['priorityCategory'];
  priorityProof: Application['priorityProof'];
  position: number | null;
  refusalReason: string | null;
  kindergarten: { number: number; nameKk: string; nameRu: string } | null;
  nextStep: NextStep;
  deadline: Date | null;
}

const MAX_RESULTS = 10;

export async function lookupApplications(
  db: Queryable,
  raw: unknown,
  actor: Actor,
  policy: Policy,
  now: Date = new Date(),
): Promise<{ query: LookupQuery; results: LookupAnswer[] }> {
  const parsed = lookupInputSchema.safeParse(raw);
  const errors: FieldError[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({
        field: i.path.join('.'),
        code: i.code === 'too_big' ? 'too_long' : i.path[0] === 'reason' ? 'reason_required' : 'required',
      }));
  // Each look-up carries its own reason: none at all is "give a reason", a few letters "too short".
  const reason = lookupInputSchema.shape.reason.safeParse((raw as { reason?: unknown } | null)?.reason);
  if (reason.success && !reason.data) errors.push({ field: 'reason', code: 'reason_required' });
  else if (reason.success && [...reason.data].length < policy.lookupReasonMinChars) {
    errors.push({ field: 'reason', code: 'reason_too_short', params: { count: policy.lookupReasonMinChars } });
  }
  if (!parsed.success || errors.length) throw new ValidationError(errors);
  const query = classifyQuery(parsed.data.query);
  if (!query) throw new ValidationError([{ field: 'query', code: 'lookup_query' }]);

  const where = applicationsMatching(query);
  const rows = await db
    .select({ application: applications, child: children, applicant: applicants, representative: representatives, district: districts })
    .from(applications)
    .innerJoin(children, eq(children.id, applications.childId))
    .innerJoin(applicants, eq(applicants.id, applications.applicantId))
    .innerJoin(districts, eq(districts.id, applications.districtId))
    .leftJoin(representatives, eq(representatives.id, applications.representativeId))
    .where(where)
    // Active applications first, then the newest.
    .orderBy(sql`${applications.status} in ('submitted', 'registered', 'offered', 'referred') desc`, desc(applications.id))
    .limit(MAX_RESULTS);

  const ids = rows.map((r) => r.application.id);
  const live = ids.length
    ? await db
        .select({
          applicationId: referrals.applicationId,
          confirmBy: referrals.confirmBy,
          presentBy: referrals.presentBy,
          extendedUntil: referrals.extendedUntil,
          number: kindergartens.number,
          nameKk: kindergartens.nameKk,
          nameRu: kindergartens.nameRu,
        })
        .from(referrals)
        .innerJoin(groups, eq(groups.id, referrals.groupId))
        .innerJoin(kindergartens, eq(kindergartens.id, groups.kindergartenId))
        .where(and(inArray(referrals.applicationId, ids), inArray(referrals.status, ['offered', 'issued'])))
    : [];

  const results: LookupAnswer[] = [];
  for (const { application: a, child, applicant, representative, district } of rows) {
    const referral = live.find((r) => r.applicationId === a.id) ?? null;
    const next = nextStepOf(a, referral, policy, now);
    const position = a.status === 'registered' ? ((await getPosition(db, a.id, policy))?.position ?? null) : null;
    results.push({
      id: a.id,
      number: a.number,
      status: a.status,
      childName: maskName(child.fullName),
      childIin: maskIin(child.iin),
      birthYear: a.birthYear,
      applicantName: maskName(applicant.fullName),
      applicantPhone: applicant.phones[0] ? maskPhone(applicant.phones[0]) : null,
      representativeName: representative ? maskName(representative.fullName) : null,
      districtKk: district.nameKk,
      districtRu: district.nameRu,
      language: a.language,
      channel: a.channel,
      registeredAt: a.registeredAt,
      queueNumber: a.queueNumber,
      priorityCategory: a.priorityCategory,
      priorityProof: a.priorityProof,
      position,
      refusalReason: a.refusalReason,
      kindergarten: referral ? { number: referral.number, nameKk: referral.nameKk, nameRu: referral.nameRu } : null,
      nextStep: next.step,
      deadline: next.deadline,
    });
  }

  await audit(db, actor, {
    action: 'lookup',
    entity: 'lookup',
    entityId: ids[0] ?? null,
    reason: parsed.data.reason,
    // The raw IIN is personal data: the log keeps what kind of query it was and what it found.
    data: {
      queryKind: query.kind,
      query: query.kind === 'iin' ? maskIin(query.iin) : query.number,
      applicationIds: ids,
    },
    at: now,
  });
  return { query, results };
}
