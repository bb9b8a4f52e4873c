/**
 * The open queue: the daily export holds nothing that identifies a child (no IIN, name, birth
 * date, application or queue number, no ids), small groups are coarsened or withheld, a parent
 * finds their own row by the private code shown in "My applications" (Kazakh and Russian), and
 * the daily job exports every queue and schedules the next day.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitApplication } from '../../core/applications.ts';
import { addDays, localDate } from '../../core/calendar.ts';
import { exportQueue, OPEN_QUEUE_JOB, openQueueCodesOf, openQueueJobs, openRows, scheduleOpenQueueExport, type OpenRow } from '../../core/open-queue.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { getPosition } from '../../core/position.ts';
import { EXTRAORDINARY, FIRST_PRIORITY, GENERAL, type QueueList } from '../../core/queue.ts';
import type { Database } from '../../db/client.ts';
import { children, jobs, openQueueExports } from '../../db/schema/index.ts';
import { testServer, type TestApp } from '../support/admin.ts';
import { makeBot } from '../support/bot.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { FakeParent } from '../support/fake-telegram.ts';

let database: Database;
let places: Places;
let app: TestApp;
const year = new Date().getUTCFullYear() - 3;
const DAY = 86_400_000;

beforeAll(async () => {
  database = await openTestDatabase();
  places = await createPlaces(database.db, { kindergartens: 4 });
  app = testServer(database);
});
afterAll(async () => {
  await database.close();
});

/**
 * Every published (date, kindergartens) pair must be shared by k rows or more. A row with neither
 * carries nothing a neighbour could match, whatever the number of such rows.
 */
function smallestGroup(rows: OpenRow[]): number {
  const groups = new Map<string, number>();
  for (const r of rows) {
    if (r.registered === null && r.kindergartens === null) continue;
    const key = `${r.registered}|${r.kindergartensDetail}|${r.kindergartens?.join(',')}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return Math.min(...groups.values());
}

describe('openRows (pure)', () => {
  const at = (day: string) => new Date(`${day}T05:00:00Z`);
  it('keeps the merged order and coarsens small groups until each has k rows', () => {
    const input = [
      // Five the same day with the same choice: day and ranked list published.
      ...[1, 2, 3, 4, 5].map((id) => ({ id, list: GENERAL as QueueList, status: 'registered' as const, registeredAt: at('2026-03-02'), choices: [1, 2] })),
      // Five more that day, all different rankings of the same set: published unordered.
      ...[6, 7, 8, 9, 10].map((id) => ({ id, list: GENERAL as QueueList, status: 'registered' as const, registeredAt: at('2026-03-02'), choices: id % 2 ? [3, 4] : [4, 3] })),
      // Five alone on other days of March: together they make the month.
      ...[11, 12, 13, 14, 15].map((id) => ({ id, list: GENERAL as QueueList, status: 'registered' as const, registeredAt: at(`2026-03-${10 + id}`), choices: [id] })),
      // One beneficiary and one extraordinary child registered late.
      { id: 16, list: FIRST_PRIORITY as QueueList, status: 'registered' as const, registeredAt: at('2026-05-05'), choices: [1] },
      { id: 17, list: EXTRAORDINARY as QueueList, status: 'registered' as const, registeredAt: at('2026-06-06'), choices: [2] },
    ];
    const rows = openRows(input, 3, { generalPerBeneficiary: 3, openQueueMinGroup: 5 });
    // E first; the phase is 3, so the beneficiary is next; then general children by time.
    expect(rows.sourceIds.slice(0, 3)).toEqual([17, 16, 1]);
    expect(rows.map((r) => r.position)).toEqual(input.map((_, i) => i + 1));
    expect(rows[2]).toMatchObject({ registered: '2026-03-02', kindergartens: [1, 2], kindergartensDetail: 'ranked' });
    expect(rows.filter((r) => r.kindergartensDetail === 'unordered')).toHaveLength(5);
    // The lone days become the month; their kindergartens are all different: withheld.
    const march = rows.filter((r) => r.registered === '2026-03');
    expect(march).toHaveLength(5);
    expect(march.every((r) => r.kindergartens === null)).toBe(true);
    // The two late children: neither their day, month nor what is left of the year has five rows.
    expect(rows[0]).toMatchObject({ registered: null, kindergartens: null, kindergartensDetail: 'withheld' });
    expect(smallestGroup(rows)).toBeGreaterThanOrEqual(5);
  });
});

describe('the export and the page', () => {
  let queueId: number;
  const made: { id: number; number: string; iin: string; name: string; birthDate: string; parentIin: string; parentName: string; queueNumber: number | null }[] = [];
  const today = localDate(new Date());

  beforeAll(async () => {
    const now = Date.now();
    // Eight on one day choosing the same two, three on three lone days.
    const plan = [...Array.from({ length: 8 }, () => ({ daysAgo: 30, kgs: [0, 1] })), { daysAgo: 20, kgs: [2] }, { daysAgo: 12, kgs: [3, 0] }, { daysAgo: 5, kgs: [1] }];
    for (const [i, p] of plan.entries()) {
      const when = new Date(now - p.daysAgo * DAY + i * 60_000);
      const input = applicationInput(places, { childYear: year, at: when, kindergartenIds: p.kgs.map((k) => places.kindergartenIds[k]!) });
      // Names take letters only (core/person-name.ts): a letter tells the children apart.
      input.applicant.fullName = `Ата-ана Сынақов ${'АӘБВГҒДЕЖЗИКҚЛ'[i]}`;
      input.child.fullName = `Бала Сынақұлы ${'АӘБВГҒДЕЖЗИКҚЛ'[i]}`;
      const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, defaultPolicy, when);
      const [child] = await database.db.select().from(children).where(eq(children.id, application.childId));
      queueId = application.queueId;
      made.push({
        id: application.id,
        number: application.number,
        iin: input.child.iin,
        name: input.child.fullName,
        birthDate: child!.birthDate,
        parentIin: input.applicant.iin,
        parentName: input.applicant.fullName,
        queueNumber: application.queueNumber,
      });
    }
    await database.db.transaction((tx) => exportQueue(tx, queueId, today, defaultPolicy));
  });

  it('the JSON and CSV hold nothing that identifies a child, and small groups are suppressed', async () => {
    const json = await app.request(`/open/queues/${queueId}.json`);
    expect(json.status).toBe(200);
    const text = await json.text();
    const body = JSON.parse(text) as { rows: OpenRow[]; day: string };
    expect(body.day).toBe(today);
    expect(body.rows).toHaveLength(made.length);
    const csv = await app.request(`/open/queues/${queueId}.csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const csvText = await csv.text();
    expect(csvText.split('\r\n')[0]).toBe('position,registered,list,status,kindergartens,kindergartens_detail');
    for (const published of [text, csvText]) {
      expect(published).not.toMatch(/\d{12}/); // no IIN
      expect(published).not.toMatch(/\d{4}-\d{7}/); // no application number
      for (const m of made) {
        expect(published).not.toContain(m.number);
        expect(published).not.toContain(m.name);
        expect(published).not.toContain(m.parentName);
        expect(published).not.toContain(m.birthDate);
      }
    }
    // No ids of any kind: each row has exactly the published fields.
    for (const r of body.rows) expect(Object.keys(r).sort()).toEqual(['kindergartens', 'kindergartensDetail', 'list', 'position', 'registered', 'status']);
    expect(smallestGroup(body.rows)).toBeGreaterThanOrEqual(defaultPolicy.openQueueMinGroup);
    // The eight of one day are shown by day with their choice; the three lone days are not.
    expect(body.rows.filter((r) => r.registered?.length === 10 && r.kindergartensDetail === 'ranked')).toHaveLength(8);
    expect(body.rows.filter((r) => r.registered?.length === 10)).toHaveLength(8);
  });

  it('a parent finds their own row by the private code, in either language; a wrong code finds nothing', async () => {
    const mine = made[9]!;
    const codes = await openQueueCodesOf(database.db, [mine.id]);
    const code = codes.get(mine.id)!.code;
    await database.db.transaction((tx) => exportQueue(tx, queueId, today, defaultPolicy));
    const position = (await getPosition(database.db, mine.id, defaultPolicy))!.position;
    for (const [lang, found] of [['kk', `Кезектегі орны: ${position}.`], ['ru', `Место в очереди: ${position}.`]] as const) {
      const res = await app.request(`/open/queues/${queueId}?lang=${lang}&code=${code.slice(0, 5)}-${code.slice(5).toLowerCase()}`);
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain(found);
      const row = /<tr class="mine" data-mine="1"><td>(\d+)<\/td>/.exec(page);
      expect(row?.[1]).toBe(String(position));
      expect(page).not.toContain(mine.number);
    }
    const wrong = await app.request(`/open/queues/${queueId}?lang=ru&code=ABCDEFGHJK`);
    expect(await wrong.text()).toContain('data-verdict="code-not-found"');
    expect((await app.request('/open/queues/999999999.json')).status).toBe(404);
  });

  it('"My applications" shows the code and the link, in Kazakh and in Russian', async () => {
    const { bot, tg } = await makeBot(database);
    for (const lang of ['kk', 'ru'] as const) {
      const parent = new FakeParent(bot, tg, { languageCode: lang });
      const input = applicationInput(places, { childYear: year });
      input.applicant.telegramUserId = parent.id;
      input.applicant.language = lang;
      const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, defaultPolicy);
      const shown = await parent.say('/my');
      const card = shown.map((m) => m.text).join('\n');
      const code = (await openQueueCodesOf(database.db, [application.id])).get(application.id)!.code;
      expect(card).toContain(`${code.slice(0, 5)}-${code.slice(5)}`);
      expect(card).toContain(`/open/queues/${application.queueId}?lang=${lang}`);
      expect(card).toContain(lang === 'kk' ? 'Ашық кезектегі жеке кодыңыз' : 'Ваш личный код в открытой очереди');
    }
  });

  it('the daily job exports every queue and schedules the next day once', async () => {
    const now = new Date();
    await scheduleOpenQueueExport(database.db, now);
    const [job] = await database.db.select().from(jobs).where(eq(jobs.dedupeKey, `${OPEN_QUEUE_JOB}:${today}`));
    expect(job?.status).toBe('pending');
    await database.db.delete(openQueueExports).where(eq(openQueueExports.queueId, queueId));
    // A snapshot older than a week goes (its private lookup with it).
    await database.db.insert(openQueueExports).values({ queueId, day: addDays(today, -8), rows: [], lookup: {} });
    await database.db.transaction((tx) => openQueueJobs(() => defaultPolicy)[OPEN_QUEUE_JOB]!(tx, job!, now));
    const exported = await database.db.select().from(openQueueExports).where(eq(openQueueExports.queueId, queueId));
    expect(exported.map((e) => e.day)).toEqual([today]);
    const [next] = await database.db.select().from(jobs).where(eq(jobs.dedupeKey, `${OPEN_QUEUE_JOB}:${addDays(today, 1)}`));
    expect(next?.status).toBe('pending');
    expect(localDate(next!.runAt)).toBe(addDays(today, 1));
  });
});
