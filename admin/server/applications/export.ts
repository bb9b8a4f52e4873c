/**
 * GET /api/applications/export?filter=…&sort=…&lang=kk|ru: every application the list shows for
 * the same filter (not one page of it), as CSV streamed in batches: headers and values in the
 * staff member's language, times in Almaty, the child's IIN masked unless the role may see IINs
 * (applications.iin), the user's districts only. The export is audited with the filter used.
 */
import { eq, sql } from 'drizzle-orm';
import type { i18n } from 'i18next';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { applicants, applications, children, districts } from '../../../db/schema/index.ts';
import { audit } from '../../../core/audit.ts';
import { formatDate, formatDateTime } from '../../../core/format.ts';
import { LIST_NAMES, type QueueList } from '../../../core/queue.ts';
import { can, iinFor } from '../../../core/permissions.ts';
import { createI18n } from '../../../locales/index.ts';
import { languageSchema } from '../../../core/input.ts';
import { actorOf, need, scopeWhere, type ApiDeps, type ApiEnv } from '../context.ts';
import { listParams, readListQuery } from '../simple-rest.ts';
import { applicationsList as spec } from './list.ts';

const a = applications;
const BATCH = 1000;

const columns = {
  number: a.number,
  childName: children.fullName,
  childIin: children.iin,
  birthDate: children.birthDate,
  applicantName: applicants.fullName,
  districtKk: districts.nameKk,
  districtRu: districts.nameRu,
  birthYear: a.birthYear,
  language: a.language,
  priorityCategory: a.priorityCategory,
  priorityProof: a.priorityProof,
  queueCategory: a.queueCategory,
  status: a.status,
  channel: a.channel,
  registeredAt: a.registeredAt,
  statusChangedAt: a.statusChangedAt,
  queueNumber: a.queueNumber,
};
type Row = { [K in keyof typeof columns]: unknown } & { registeredAt: Date; statusChangedAt: Date | null };

/** One CSV cell: quoted, and text a spreadsheet would run as a formula made inert. */
function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

const langSchema = languageSchema.catch('kk');

export function exportRoutes(deps: ApiDeps & { i18n?: i18n }) {
  const db = deps.database.db;
  let i18nReady: Promise<i18n> | undefined;
  return new Hono<ApiEnv>().get('/export', need('applications.read'), async (c) => {
    const lang = langSchema.parse(c.req.query('lang'));
    const t = (deps.i18n ?? (await (i18nReady ??= createI18n()))).getFixedT(lang);
    const user = c.get('session').user;
    const query = readListQuery(c);
    const p = listParams(c, spec, scopeWhere(c, 'applications.read', a.districtId), { ...query, range: undefined });
    const showIin = can(user, 'applications.iin');
    const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(a).where(p.where);
    const total = count?.n ?? 0;
    await audit(db, actorOf(c), {
      action: 'application.export',
      entity: 'application',
      data: { filter: query.filter, sort: query.sort ?? spec.defaultSort, rows: total, iinMasked: !showIin, language: lang },
    });

    const field = (name: string) => t(`resources.applications.fields.${name}`);
    const header = [
      field('number'),
      field('childName'),
      field('childIin'),
      t('admin.applications.birthDate'),
      t('admin.applications.sections.applicant'),
      field('districtId'),
      field('birthYear'),
      field('language'),
      field('priorityCategory'),
      field('priorityProof'),
      field('queueCategory'),
      field('status'),
      field('channel'),
      field('registeredAt'),
      field('statusChangedAt'),
      field('queueNumber'),
    ];
    const line = (r: Row) =>
      [
        r.number,
        r.childName,
        iinFor(user, String(r.childIin)),
        formatDate(String(r.birthDate)),
        r.applicantName,
        lang === 'ru' ? r.districtRu : r.districtKk,
        r.birthYear,
        t(`language.${r.language}`),
        t(`category.${r.priorityCategory}`),
        r.priorityCategory === 'none' ? '' : t(`proof.${r.priorityProof}`),
        t(`list.${LIST_NAMES[r.queueCategory as QueueList]}`),
        t(`status.${r.status}`),
        t(`channel.${r.channel}`),
        formatDateTime(r.registeredAt),
        r.statusChangedAt ? formatDateTime(r.statusChangedAt) : '',
        r.queueNumber,
      ]
        .map(cell)
        .join(';');

    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="applications-${new Date().toISOString().slice(0, 10)}.csv"`);
    c.header('X-Total-Count', String(total));
    return stream(c, async (out) => {
      // The byte order mark makes spreadsheet programs read UTF-8 (Kazakh letters) correctly.
      await out.write(`\uFEFF${header.map(cell).join(';')}\r\n`);
      for (let offset = 0; ; offset += BATCH) {
        const rows = await db
          .select(columns)
          .from(a)
          .innerJoin(children, eq(children.id, a.childId))
          .innerJoin(applicants, eq(applicants.id, a.applicantId))
          .innerJoin(districts, eq(districts.id, a.districtId))
          .where(p.where)
          .orderBy(...p.orderBy)
          .limit(BATCH)
          .offset(offset);
        if (rows.length) await out.write(rows.map((r) => `${line(r as Row)}\r\n`).join(''));
        if (rows.length < BATCH || out.aborted) break;
      }
    });
  });
}
