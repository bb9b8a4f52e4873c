/**
 * The open queue (README "The open queue"): no identifying data and no stable ids, so two days'
 * files cannot be joined; every published (date, kindergartens) pair is shared by at least
 * policy.openQueueMinGroup rows. A parent finds their row by a private random code shown only in the bot.
 */
import { randomInt } from 'node:crypto';
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../db/client.ts';
import { applications, districts, kindergartens, openQueueCodes, openQueueExports, queues } from '../db/schema/index.ts';
import { addDays, localDate, startOfLocalDay } from './calendar.ts';
import type { JobHandler } from './jobs.ts';
import { scheduleJobs } from './jobs.ts';
import type { Policy } from './policy.ts';
import { LIST_NAMES, nextList, phaseAfterPlace, type QueueList } from './queue.ts';

export type KindergartenDetail = 'ranked' | 'unordered' | 'first' | 'withheld';

export interface OpenRow {
  position: number | null;
  /** YYYY-MM-DD, YYYY-MM or YYYY; null when even the year would single the child out. */
  registered: string | null;
  list: (typeof LIST_NAMES)[QueueList];
  status: 'registered' | 'offered' | 'referred';
  kindergartens: number[] | null;
  kindergartensDetail: KindergartenDetail;
}

export interface OpenQueueInput {
  id: number;
  list: QueueList;
  status: OpenRow['status'];
  registeredAt: Date;
  choices: number[];
}

export function mergedOrder<T extends { list: QueueList }>(waiting: T[], phase: number, k: number): T[] {
  const lists: T[][] = [[], [], []];
  for (const w of waiting) lists[w.list]!.push(w);
  const at = [0, 0, 0];
  const out: T[] = [];
  let p = phase;
  for (;;) {
    const totals = { e: lists[0]!.length - at[0]!, b: lists[1]!.length - at[1]!, g: lists[2]!.length - at[2]! };
    const next = nextList(totals, p, k);
    if (next === null) return out;
    out.push(lists[next]![at[next]!++]!);
    p = phaseAfterPlace(p, next, k);
  }
}

function groupsOf<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const g = groups.get(key(r));
    if (g) g.push(r);
    else groups.set(key(r), [r]);
  }
  return groups;
}

/** Input rows must be in registration order within each list (registered_at, id). */
export function openRows(
  input: OpenQueueInput[],
  phase: number,
  policy: Pick<Policy, 'generalPerBeneficiary' | 'openQueueMinGroup'>,
): OpenRow[] & { sourceIds: number[] } {
  const k = policy.openQueueMinGroup;
  const waiting = mergedOrder(
    input.filter((r) => r.status === 'registered'),
    phase,
    policy.generalPerBeneficiary,
  );
  const placed = input.filter((r) => r.status !== 'registered');
  const ordered = [...waiting, ...placed];

  // Dates: day, else month, else year, else nothing — each level only among those still unplaced.
  const date = new Map<OpenQueueInput, string | null>();
  let pending = ordered;
  for (const cut of [10, 7, 4]) {
    const left: OpenQueueInput[] = [];
    for (const group of groupsOf(pending, (r) => localDate(r.registeredAt).slice(0, cut)).values()) {
      if (group.length >= k) for (const r of group) date.set(r, localDate(r.registeredAt).slice(0, cut));
      else left.push(...group);
    }
    pending = left;
  }
  for (const r of pending) date.set(r, null);

  // Kindergartens within each published date: ranked, unordered, first choice, withheld.
  const detail = new Map<OpenQueueInput, { detail: KindergartenDetail; numbers: number[] | null }>();
  const forms: [KindergartenDetail, (r: OpenQueueInput) => number[]][] = [
    ['ranked', (r) => r.choices],
    ['unordered', (r) => [...r.choices].sort((a, b) => a - b)],
    ['first', (r) => r.choices.slice(0, 1)],
  ];
  for (const sameDate of groupsOf(ordered, (r) => String(date.get(r))).values()) {
    let left = sameDate;
    for (const [form, numbers] of forms) {
      const rest: OpenQueueInput[] = [];
      for (const group of groupsOf(left, (r) => numbers(r).join(',')).values()) {
        if (group.length >= k) for (const r of group) detail.set(r, { detail: form, numbers: numbers(r) });
        else rest.push(...group);
      }
      left = rest;
    }
    const withheld = { detail: 'withheld' as const, numbers: null };
    // A withheld group smaller than k would itself stand out: then the whole date withholds.
    const all = left.length > 0 && left.length < k ? sameDate : left;
    for (const r of all) detail.set(r, withheld);
  }

  const rows = ordered.map((r, i) => ({
    position: r.status === 'registered' ? i + 1 : null,
    registered: date.get(r) ?? null,
    list: LIST_NAMES[r.list],
    status: r.status,
    kindergartens: detail.get(r)!.numbers,
    kindergartensDetail: detail.get(r)!.detail,
  }));
  return Object.assign(rows, { sourceIds: ordered.map((r) => r.id) });
}

/** Ten characters from an alphabet without look-alikes (no 0/O, 1/I/L). */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export function newOpenQueueCode(): string {
  return Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

export function normalizeOpenQueueCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  return /^[2-9A-HJKMNP-Z]{10}$/.test(code) ? code : null;
}

export async function openQueueCodeOf(db: Queryable, applicationId: number): Promise<string> {
  await db.insert(openQueueCodes).values({ applicationId, code: newOpenQueueCode() }).onConflictDoNothing();
  const [row] = await db.select({ code: openQueueCodes.code }).from(openQueueCodes).where(eq(openQueueCodes.applicationId, applicationId));
  return row!.code;
}

const PUBLISHED = ['registered', 'offered', 'referred'] as const;

export async function exportQueue(tx: Tx, queueId: number, day: string, policy: Policy): Promise<number> {
  const [queue] = await tx.select({ phase: queues.phase }).from(queues).where(eq(queues.id, queueId));
  if (!queue) return 0;
  const apps = await tx
    .select({
      id: applications.id,
      list: applications.queueCategory,
      status: applications.status,
      registeredAt: applications.registeredAt,
      kindergartenIds: applications.kindergartenIds,
    })
    .from(applications)
    .where(and(eq(applications.queueId, queueId), inArray(applications.status, [...PUBLISHED])))
    .orderBy(asc(applications.queueCategory), asc(applications.registeredAt), asc(applications.id));
  const ids = [...new Set(apps.flatMap((a) => a.kindergartenIds))];
  const numbers = new Map(
    (ids.length ? await tx.select({ id: kindergartens.id, number: kindergartens.number }).from(kindergartens).where(inArray(kindergartens.id, ids)) : []).map(
      (k) => [k.id, k.number],
    ),
  );
  const rows = openRows(
    apps.map((a) => ({
      id: a.id,
      list: a.list as QueueList,
      status: a.status as OpenRow['status'],
      registeredAt: a.registeredAt,
      choices: a.kindergartenIds.map((id) => numbers.get(id)).filter((n): n is number => n !== undefined),
    })),
    queue.phase,
    policy,
  );
  if (rows.sourceIds.length) {
    await tx
      .insert(openQueueCodes)
      .values(rows.sourceIds.map((applicationId) => ({ applicationId, code: newOpenQueueCode() })))
      .onConflictDoNothing();
  }
  const codes = rows.sourceIds.length
    ? await tx.select().from(openQueueCodes).where(inArray(openQueueCodes.applicationId, rows.sourceIds))
    : [];
  const index = new Map(rows.sourceIds.map((id, i) => [id, i]));
  const lookup = Object.fromEntries(codes.map((c) => [c.code, index.get(c.applicationId)!]));
  const published = rows.map((r) => ({ ...r }));
  await tx
    .insert(openQueueExports)
    .values({ queueId, day, rows: published, lookup })
    .onConflictDoUpdate({ target: [openQueueExports.queueId, openQueueExports.day], set: { rows: published, lookup, createdAt: new Date() } });
  return published.length;
}

/** Days of snapshots kept: only the latest is served, and the private lookups should not outlive their use. */
const KEEP_DAYS = 7;

export async function exportAllQueues(tx: Tx, day: string, policy: Policy): Promise<number> {
  const ids = await tx
    .selectDistinct({ id: applications.queueId })
    .from(applications)
    .where(inArray(applications.status, [...PUBLISHED]));
  for (const { id } of ids) await exportQueue(tx, id, day, policy);
  await tx.delete(openQueueExports).where(lt(openQueueExports.day, addDays(day, -KEEP_DAYS)));
  return ids.length;
}

export const OPEN_QUEUE_JOB = 'open-queue.export';

export function nextExport(now: Date): { kind: string; payload: Record<string, unknown>; runAt: Date; dedupeKey: string } {
  const day = addDays(localDate(now), 1);
  return { kind: OPEN_QUEUE_JOB, payload: { day }, runAt: new Date(startOfLocalDay(day).getTime() + 10 * 60_000), dedupeKey: `${OPEN_QUEUE_JOB}:${day}` };
}

/** Schedules today's export now (at start-up) if it has not run; the job then keeps itself going. */
export async function scheduleOpenQueueExport(db: Queryable, now: Date): Promise<void> {
  const day = localDate(now);
  await scheduleJobs(db, [{ kind: OPEN_QUEUE_JOB, payload: { day }, runAt: now, dedupeKey: `${OPEN_QUEUE_JOB}:${day}` }]);
}

export function openQueueJobs(policy: () => Policy): Record<string, JobHandler> {
  return {
    [OPEN_QUEUE_JOB]: async (tx, job, now) => {
      const day = typeof job.payload === 'object' && job.payload && 'day' in job.payload ? String(job.payload.day) : localDate(now);
      await exportAllQueues(tx, day, policy());
      await scheduleJobs(tx, [nextExport(now)]);
    },
  };
}

export interface PublishedQueue {
  queueId: number;
  day: string;
  createdAt: Date;
  birthYear: number;
  language: 'kk' | 'ru';
  district: { kk: string; ru: string };
  rows: OpenRow[];
}

export async function latestExport(db: Queryable, queueId: number): Promise<(PublishedQueue & { lookup: Record<string, number> }) | null> {
  const [row] = await db
    .select({
      queueId: openQueueExports.queueId,
      day: openQueueExports.day,
      createdAt: openQueueExports.createdAt,
      rows: openQueueExports.rows,
      lookup: openQueueExports.lookup,
      birthYear: queues.birthYear,
      language: queues.language,
      districtKk: districts.nameKk,
      districtRu: districts.nameRu,
    })
    .from(openQueueExports)
    .innerJoin(queues, eq(queues.id, openQueueExports.queueId))
    .innerJoin(districts, eq(districts.id, queues.districtId))
    .where(eq(openQueueExports.queueId, queueId))
    .orderBy(sql`${openQueueExports.day} desc`)
    .limit(1);
  if (!row) return null;
  return {
    queueId: row.queueId,
    day: row.day,
    createdAt: row.createdAt,
    birthYear: row.birthYear,
    language: row.language,
    district: { kk: row.districtKk, ru: row.districtRu },
    rows: row.rows as OpenRow[],
    lookup: row.lookup,
  };
}

export function openQueueCsv(rows: OpenRow[]): string {
  const lines = ['position,registered,list,status,kindergartens,kindergartens_detail'];
  for (const r of rows) {
    const kgs = r.kindergartens ? r.kindergartens.join(r.kindergartensDetail === 'unordered' ? ';' : '>') : '';
    lines.push([r.position ?? '', r.registered ?? '', r.list, r.status, kgs, r.kindergartensDetail].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export async function openQueueCodesOf(db: Queryable, applicationIds: readonly number[]): Promise<Map<number, { code: string; queueId: number }>> {
  const out = new Map<number, { code: string; queueId: number }>();
  if (!applicationIds.length) return out;
  const shown = await db
    .select({ id: applications.id, queueId: applications.queueId })
    .from(applications)
    .where(and(inArray(applications.id, [...applicationIds]), inArray(applications.status, [...PUBLISHED])));
  if (!shown.length) return out;
  await db
    .insert(openQueueCodes)
    .values(shown.map((s) => ({ applicationId: s.id, code: newOpenQueueCode() })))
    .onConflictDoNothing();
  const codes = await db.select().from(openQueueCodes).where(inArray(openQueueCodes.applicationId, shown.map((s) => s.id)));
  const queueOf = new Map(shown.map((s) => [s.id, s.queueId]));
  for (const c of codes) out.set(c.applicationId, { code: c.code, queueId: queueOf.get(c.applicationId)! });
  return out;
}

/**
 * The same for applications read with their queue and code (core/parent-view.ts): only those shown
 * without a code yet cost a query, so looking again at "My applications" costs none.
 */
export async function openQueueCodesFor(
  db: Queryable,
  apps: readonly { id: number; status: string; queueId: number; openQueueCode: string | null }[],
): Promise<Map<number, { code: string; queueId: number }>> {
  const shown = apps.filter((a) => (PUBLISHED as readonly string[]).includes(a.status));
  const out = new Map(shown.flatMap((a) => (a.openQueueCode ? [[a.id, { code: a.openQueueCode, queueId: a.queueId }] as const] : [])));
  const missing = shown.filter((a) => !a.openQueueCode).map((a) => a.id);
  if (missing.length) for (const [id, code] of await openQueueCodesOf(db, missing)) out.set(id, code);
  return out;
}

/** A code as the bot shows it: two groups of five, easier to read aloud and type. */
export function formatOpenQueueCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

export function openQueueUrl(config: { PUBLIC_URL?: string | undefined; PORT: number }, queueId: number, lang: string): string {
  const base = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  return `${base}/open/queues/${queueId}?lang=${lang}`;
}
