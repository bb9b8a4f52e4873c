/** COPY with the queue_counts trigger off; the counts are rebuilt once after the load. */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type postgres from 'postgres';
import { IinMaker, almatyYear, dayString } from '../db/seed.ts';
import {
  ALMATY_DISTRICTS,
  WORKPLACES,
  between,
  childName,
  homeAddress,
  makeFamily,
  mobilePhone,
  mulberry32,
  parentName,
  pick,
  pickWeighted,
  sample,
  type DistrictSeed,
  type Random,
} from '../db/seed-data.ts';

type Language = 'kk' | 'ru';
type Sex = 'male' | 'female';

const DAY_MS = 86_400_000;
const ALMATY_OFFSET_MS = 5 * 3_600_000;
const FIRST_PRIORITY = ['disabled_parent', 'no_parental_care', 'orphan', 'large_family', 'war_veteran', 'special_needs'];
const CHANNELS = ['portal', 'centre', 'office', 'bot'];
const CHANNEL_WEIGHTS = [50, 25, 10, 15];

export interface BigQueueSpec {
  districtId: number;
  birthYear: number;
  language: Language;
}

export interface FillOptions {
  total: number;
  bigQueue: number;
  districts?: number[];
  /** The big queue (default: the first district, birth year six years back, Kazakh). */
  big?: Partial<BigQueueSpec>;
  now?: Date;
  seed?: number;
  log?: (message: string) => void;
}

export interface FillResult {
  bigQueueId: number;
  big: BigQueueSpec;
  applications: number;
  ms: number;
  timings: Record<string, number>;
}

interface DistrictRef {
  id: number;
  code: string;
  seed: DistrictSeed;
}

/** COPY text format: tab-separated, \N for null; escape what the format reserves. */
function cell(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : value;
}

/** Streams rows made by `row(i)` for i in [0, count) into COPY in chunks. */
async function copyRows(
  sql: postgres.Sql | postgres.ReservedSql,
  table: string,
  columns: string[],
  count: number,
  row: (i: number) => (string | number | null)[],
): Promise<void> {
  function* chunks(): Generator<string> {
    let buffer = '';
    for (let i = 0; i < count; i++) {
      buffer += row(i).map(cell).join('\t') + '\n';
      if (buffer.length > 1_000_000) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }
  const target = await sql.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
  await pipeline(Readable.from(chunks()), target);
}

export async function fillApplications(sql: postgres.Sql, opts: FillOptions): Promise<FillResult> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  let lapStart = started;
  const lap = (what: string) => {
    const now = performance.now();
    timings[what] = Math.round(now - lapStart);
    opts.log?.(`fill: ${what} ${timings[what]} ms`);
    lapStart = now;
  };
  const random: Random = mulberry32(opts.seed ?? 1);
  const now = opts.now ?? new Date();
  const nowMs = now.getTime();
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const year = almatyYear(nowMs);
  const total = opts.total;
  if (opts.bigQueue > total) throw new RangeError('bigQueue must not exceed total');
  // Three loads side by side, plus one connection for everything else.
  if (sql.options.max < 4) throw new RangeError('fill needs a postgres.js pool of at least 4 connections');

  // Reference data from the database (seedDemo with applications: 0 made it).
  const districtRows = await sql<{ id: number; code: string }[]>`select id, code from districts order by id`;
  const districts: DistrictRef[] = districtRows
    .filter((d) => !opts.districts || opts.districts.includes(d.id))
    .map((d) => ({ ...d, seed: ALMATY_DISTRICTS.find((s) => s.code === d.code) ?? ALMATY_DISTRICTS[0]! }));
  if (districts.length === 0) throw new Error('fill: no districts; seed the reference data first');
  const kgRows = await sql<{ id: number; district_id: number; languages: string }[]>`
    select id, district_id, languages::text as languages from kindergartens where active = 1`;
  const choices = new Map<string, number[]>();
  for (const k of kgRows) {
    for (const language of k.languages.replace(/[{}]/g, '').split(',')) {
      const key = `${k.district_id}:${language}`;
      choices.set(key, [...(choices.get(key) ?? []), k.id]);
    }
  }
  const big: BigQueueSpec = {
    districtId: opts.big?.districtId ?? districts[0]!.id,
    birthYear: opts.big?.birthYear ?? year - 6,
    language: opts.big?.language ?? 'kk',
  };
  const bigKey = `${big.districtId}:${big.birthYear}:${big.language}`;

  // Plan every application in typed arrays, then write them in registration order, so ids,
  // numbers and queue numbers grow with time as they would have.
  const bigClosed = Math.round(opts.bigQueue * 0.04);
  const inBig = Math.min(total, opts.bigQueue + bigClosed);
  const birthDay = new Int32Array(total);
  const registeredAt = new Float64Array(total);
  const districtIndex = new Uint8Array(total);
  const languageOf = new Uint8Array(total); // 0 kk, 1 ru
  const ethnicityOf = new Uint8Array(total); // 0 kk, 1 ru
  const listOf = new Uint8Array(total); // 0 E, 1 B, 2 G (or a pending B)
  const rightOf = new Uint8Array(total); // 0 none, 1 military, 2 first priority verified, 3 pending
  const statusOf = new Uint8Array(total); // 0 registered, 1 withdrawn, 2 enrolled, 3 refused
  const bigDistrictIndex = districts.findIndex((d) => d.id === big.districtId);
  if (bigDistrictIndex < 0) throw new Error(`fill: district ${big.districtId} of the big queue is not among the districts`);
  const minBirth = Math.max(Date.UTC(big.birthYear, 0, 1), today - (7 * 365 - 2) * DAY_MS);
  const maxBirth = Math.min(Date.UTC(big.birthYear, 11, 31), today - 20 * DAY_MS);
  const weights = districts.map((d) => d.seed.weight);

  for (let i = 0; i < total; i++) {
    const isBig = i < inBig;
    let birth: number;
    let lang: number;
    if (isBig) {
      birth = minBirth + between(random, 0, Math.round((maxBirth - minBirth) / DAY_MS)) * DAY_MS;
      lang = big.language === 'kk' ? 0 : 1;
      districtIndex[i] = bigDistrictIndex;
      ethnicityOf[i] = lang === 0 ? 0 : random() < 0.8 ? 1 : 0;
    } else {
      const eth = random() < 0.72 ? 0 : 1;
      ethnicityOf[i] = eth;
      lang = eth === 0 ? (random() < 0.85 ? 0 : 1) : random() < 0.97 ? 1 : 0;
      for (;;) {
        birth = today - between(random, 20, 6 * 365) * DAY_MS;
        districtIndex[i] = pickWeighted(random, weights);
        // Keep the other queues out of the big one.
        if (`${districts[districtIndex[i]!]!.id}:${new Date(birth).getUTCFullYear()}:${lang === 0 ? 'kk' : 'ru'}` !== bigKey) break;
      }
    }
    birthDay[i] = birth / DAY_MS;
    languageOf[i] = lang;

    const r = random();
    let right = 0;
    if (r < 0.01) right = 1;
    else if (r < 0.09) right = random() < 0.85 ? 2 : 3;
    rightOf[i] = right;
    listOf[i] = right === 1 ? 0 : right === 2 ? 1 : 2;

    // Registration between birth and now: general children mostly soon after birth,
    // beneficiaries evenly (a right is often proved later), so late-registered ones exist.
    const span = Math.max(0, (nowMs - birth - 3 * DAY_MS) / DAY_MS);
    const u = right === 0 || right === 3 ? random() ** 1.6 : random();
    const day = birth + 3 * DAY_MS + Math.floor(u * span) * DAY_MS;
    registeredAt[i] = Math.min(nowMs - 60_000, day - ALMATY_OFFSET_MS + between(random, 9 * 3600, 23 * 3600 - 1) * 1000);

    const s = random();
    if (isBig) statusOf[i] = i < opts.bigQueue ? 0 : s < 0.5 ? 1 : 2;
    else statusOf[i] = s < 0.04 ? 1 : s < 0.08 && nowMs - birth > 2 * 365 * DAY_MS ? 2 : s < 0.09 ? 3 : 0;
  }
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((a, b) => registeredAt[a]! - registeredAt[b]! || a - b);
  lap('plan');

  // Queues: one per district × birth year × language that has applications.
  const queueKeyOf = (i: number) =>
    `${districts[districtIndex[i]!]!.id}:${new Date(birthDay[i]! * DAY_MS).getUTCFullYear()}:${languageOf[i] === 0 ? 'kk' : 'ru'}`;
  const keys = new Set<string>();
  for (let i = 0; i < total; i++) keys.add(queueKeyOf(i));
  const parts = [...keys].map((k) => k.split(':'));
  await sql`
    insert into queues (district_id, birth_year, language)
    select * from unnest(${sql.array(parts.map((p) => Number(p[0])))}::int[], ${sql.array(parts.map((p) => Number(p[1])))}::int[],
                         ${sql.array(parts.map((p) => p[2]!))}::language[])
    on conflict do nothing`;
  const queueRows = await sql<{ id: number; district_id: number; birth_year: number; language: string; last_number: number }[]>`
    select id, district_id, birth_year, language, last_number from queues`;
  const queueIdOf = new Map(queueRows.map((q) => [`${q.district_id}:${q.birth_year}:${q.language}`, q.id]));
  const lastNumber = new Map(queueRows.map((q) => [q.id, q.last_number]));
  const bigQueueId = queueIdOf.get(bigKey);
  if (bigQueueId === undefined) throw new Error('fill: the big queue was not created');

  const [bases] = await sql<{ applicants: number; children: number; applications: number }[]>`
    select (select coalesce(max(id), 0) from applicants)::int as applicants,
           (select coalesce(max(id), 0) from children)::int as children,
           (select coalesce(max(id), 0) from applications)::int as applications`;
  const [seq] = await sql<{ last: string }[]>`
    select setval('application_number_seq', nextval('application_number_seq') + ${total - 1}) as last`;
  const firstNumber = Number(seq!.last) - total + 1;

  const seed = opts.seed ?? 1;
  const isoOf = (ms: number) => new Date(ms).toISOString();
  // The same family for a child and its parent, though they are written by different loads.
  const familyOf = (i: number) => makeFamily(mulberry32(seed * 1_000_003 + i), ethnicityOf[i] === 0 ? 'kk' : 'ru');

  // One applicant per application, written in the order of registration. Each table has its
  // own PRNG and connection, so the three loads run side by side and stay deterministic.
  const loadApplicants = (conn: postgres.ReservedSql) => {
    const random = mulberry32(seed + 1);
    const iins = new IinMaker(random);
    return copyRows(
      conn,
      'applicants',
      ['id', 'iin', 'full_name', 'phones', 'phone_verified_at', 'address', 'language', 'consent_at', 'created_at'],
      total,
      (r) => {
        const i = order[r]!;
        const family = familyOf(i);
        const sex: Sex = random() < 0.65 ? 'female' : 'male';
        const childYear = new Date(birthDay[i]! * DAY_MS).getUTCFullYear();
        const parentBirth = dayString(Date.UTC(between(random, 1975, Math.min(2000, childYear - 19)), 0, 1) + between(random, 0, 364) * DAY_MS);
        const at = isoOf(registeredAt[i]!);
        const language: Language = languageOf[i] === 0 ? 'kk' : 'ru';
        return [
          bases!.applicants + r + 1,
          iins.make(parentBirth, sex),
          parentName(random, family, sex),
          random() < 0.15 ? `{${mobilePhone(random)},${mobilePhone(random)}}` : `{${mobilePhone(random)}}`,
          random() < 0.6 ? at : null,
          homeAddress(random, districts[districtIndex[i]!]!.seed, language),
          language,
          at,
          at,
        ];
      },
    );
  };
  const loadChildren = (conn: postgres.ReservedSql) => {
    const random = mulberry32(seed + 2);
    const iins = new IinMaker(random);
    return copyRows(
      conn,
      'children',
      ['id', 'iin', 'full_name', 'birth_date', 'birth_certificate_number', 'created_at'],
      total,
      (r) => {
        const i = order[r]!;
        const family = familyOf(i);
        const sex: Sex = random() < 0.51 ? 'male' : 'female';
        const birthDate = dayString(birthDay[i]! * DAY_MS);
        return [
          bases!.children + r + 1,
          iins.make(birthDate, sex),
          childName(random, family, sex),
          birthDate,
          String(between(random, 1_000_000, 9_999_999)),
          isoOf(registeredAt[i]!),
        ];
      },
    );
  };
  const STATUS = ['registered', 'withdrawn', 'enrolled', 'refused'];
  const loadApplications = (conn: postgres.ReservedSql) => {
    const random = mulberry32(seed + 3);
    return copyRows(
      conn,
      'applications',
      [
        'id', 'number', 'child_id', 'applicant_id', 'district_id', 'queue_id', 'birth_year', 'language',
        'kindergarten_ids', 'priority_category', 'priority_proof', 'priority_proof_valid_until', 'queue_category',
        'channel', 'status', 'status_changed_at', 'registered_at', 'queue_number', 'mother_workplace',
        'father_workplace', 'created_at', 'updated_at',
      ],
      total,
      (r) => {
        const i = order[r]!;
        const district = districts[districtIndex[i]!]!;
        const language: Language = languageOf[i] === 0 ? 'kk' : 'ru';
        const queueId = queueIdOf.get(queueKeyOf(i))!;
        const status = statusOf[i]!;
        let queueNumber: number | null = null;
        if (status !== 3) {
          queueNumber = (lastNumber.get(queueId) ?? 0) + 1;
          lastNumber.set(queueId, queueNumber);
        }
        const reg = registeredAt[i]!;
        const changed = status === 0 ? reg : status === 3 ? reg + 15 * 60_000 : reg + Math.floor(random() * (nowMs - reg));
        const right = rightOf[i]!;
        const kgs = sample(random, choices.get(`${district.id}:${language}`) ?? [], between(random, 1, 3));
        return [
          bases!.applications + r + 1,
          `${almatyYear(reg)}-${String(firstNumber + r).padStart(7, '0')}`,
          bases!.children + r + 1,
          bases!.applicants + r + 1,
          district.id,
          queueId,
          new Date(birthDay[i]! * DAY_MS).getUTCFullYear(),
          language,
          `{${kgs.join(',')}}`,
          right === 0 ? 'none' : right === 1 ? 'military' : pick(random, FIRST_PRIORITY),
          right === 0 ? 'none' : right === 3 ? 'pending' : 'verified',
          right === 1 ? isoOf(nowMs + between(random, 5, 30) * DAY_MS) : null,
          listOf[i]!,
          CHANNELS[pickWeighted(random, CHANNEL_WEIGHTS)]!,
          STATUS[status]!,
          isoOf(changed),
          isoOf(reg),
          queueNumber,
          random() < 0.8 ? pick(random, WORKPLACES)[language] : null,
          random() < 0.7 ? pick(random, WORKPLACES)[language] : null,
          isoOf(reg),
          isoOf(changed),
        ];
      },
    );
  };

  // As a superuser the loads skip the per-row foreign-key triggers (replica role): the rows are
  // generated consistent. Without the right, applications wait for their parents' rows.
  const conns = [await sql.reserve(), await sql.reserve(), await sql.reserve()] as const;
  let replica = true;
  for (const conn of conns) {
    try {
      await conn`set session_replication_role = replica`;
    } catch {
      replica = false;
    }
  }
  if (!replica) opts.log?.('fill: not a superuser, foreign keys are checked row by row');
  await sql`alter table applications disable trigger applications_queue_counts`;
  try {
    if (replica) {
      await Promise.all([loadApplicants(conns[0]), loadChildren(conns[1]), loadApplications(conns[2])]);
    } else {
      await Promise.all([loadApplicants(conns[0]), loadChildren(conns[1])]);
      await loadApplications(conns[2]);
    }
    lap('copy applicants, children, applications');
    await sql`select rebuild_queue_counts()`;
    lap('rebuild queue_counts');
  } finally {
    await sql`alter table applications enable trigger applications_queue_counts`;
    for (const conn of conns) {
      if (replica) await conn`reset session_replication_role`.catch(() => {});
      conn.release();
    }
  }

  for (const table of ['applicants', 'children', 'applications']) {
    await sql.unsafe(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
  }
  await sql`
    update queues q set last_number = x.n
    from (select queue_id, max(queue_number) as n from applications group by queue_id) x
    where q.id = x.queue_id and x.n is not null`;
  lap('sequences and queue numbers');
  // Index-only counts need the visibility map, and the planner fresh statistics.
  await Promise.all([
    sql`vacuum analyze applications`,
    sql`vacuum analyze children`,
    sql`vacuum analyze applicants, queue_counts, queues`,
  ]);
  lap('vacuum analyze');
  return { bigQueueId, big, applications: total, ms: Math.round(performance.now() - started), timings };
}

export interface LateArrivalOptions {
  queueId: number;
  count: number;
  now?: Date;
  seed?: number;
}

/** With the queue_counts trigger on, as a late verification would. */
export async function addLateBeneficiaries(sql: postgres.Sql, opts: LateArrivalOptions): Promise<number[]> {
  const random = mulberry32(opts.seed ?? 7);
  const nowMs = (opts.now ?? new Date()).getTime();
  const [queue] = await sql<{ district_id: number; birth_year: number; language: Language; code: string }[]>`
    select q.district_id, q.birth_year, q.language, d.code
    from queues q join districts d on d.id = q.district_id where q.id = ${opts.queueId}`;
  if (!queue) throw new Error(`queue ${opts.queueId} not found`);
  const district = ALMATY_DISTRICTS.find((d) => d.code === queue.code) ?? ALMATY_DISTRICTS[0]!;
  const kgs = (
    await sql<{ id: number }[]>`select id from kindergartens where district_id = ${queue.district_id} and ${queue.language}::language = any(languages)`
  ).map((k) => k.id);
  // Serials start high, past most of the bulk load's; each IIN is checked against the table anyway.
  const iins = new IinMaker(() => 0.999);
  return sql.begin(async (tx) => {
    const ids: number[] = [];
    for (let n = 0; n < opts.count; n++) {
      const family = makeFamily(random, queue.language === 'kk' ? 'kk' : 'ru');
      const sex: Sex = random() < 0.5 ? 'male' : 'female';
      const birthMs = Math.min(Date.UTC(queue.birth_year, 0, 1) + between(random, 0, 364) * DAY_MS, nowMs - 30 * DAY_MS);
      const birthDate = dayString(birthMs);
      // Registered long ago: the child joins the list far ahead of the newest children.
      // ISO strings: drizzle, sharing this client, turns postgres.js's Date serializer off.
      const registeredAt = new Date(birthMs + (10 + Math.floor(random() * ((nowMs - birthMs) / DAY_MS - 20))) * DAY_MS).toISOString();
      const nowIso = new Date(nowMs).toISOString();
      const extraordinary = random() < 0.1;
      let childIin: string;
      for (;;) {
        childIin = iins.make(birthDate, sex);
        const [taken] = await tx`select 1 from children where iin = ${childIin}`;
        if (!taken) break;
      }
      let parentIin: string;
      for (;;) {
        parentIin = iins.make(dayString(Date.UTC(between(random, 1980, 1998), 0, 1) + between(random, 0, 364) * DAY_MS), 'female');
        const [taken] = await tx`select 1 from applicants where iin = ${parentIin}`;
        if (!taken) break;
      }
      const [applicant] = await tx<{ id: number }[]>`
        insert into applicants (iin, full_name, phones, address, language, consent_at, created_at)
        values (${parentIin}, ${parentName(random, family, 'female')}, ${tx.array([mobilePhone(random)])}, ${homeAddress(random, district, queue.language)},
                ${queue.language}, ${registeredAt}, ${registeredAt})
        returning id`;
      const [child] = await tx<{ id: number }[]>`
        insert into children (iin, full_name, birth_date, birth_certificate_number, created_at)
        values (${childIin}, ${childName(random, family, sex)}, ${birthDate}, ${String(between(random, 1_000_000, 9_999_999))}, ${registeredAt})
        returning id`;
      const [app] = await tx<{ id: number }[]>`
        with numbered as (update queues set last_number = last_number + 1 where id = ${opts.queueId} returning last_number)
        insert into applications (number, child_id, applicant_id, district_id, queue_id, birth_year, language,
          kindergarten_ids, priority_category, priority_proof, priority_proof_valid_until, queue_category, channel,
          status, status_changed_at, registered_at, created_at, updated_at, queue_number)
        select to_char(now() at time zone 'Asia/Almaty', 'YYYY') || '-' || lpad(nextval('application_number_seq')::text, 7, '0'),
          ${child!.id}, ${applicant!.id}, ${queue.district_id}, ${opts.queueId}, ${queue.birth_year}, ${queue.language},
          ${tx.array(sample(random, kgs, 2))}::int[], ${extraordinary ? 'military' : pick(random, FIRST_PRIORITY)},
          'verified', ${extraordinary ? new Date(nowMs + 20 * DAY_MS).toISOString() : null}, ${extraordinary ? 0 : 1}, 'office',
          'registered', ${nowIso}, ${registeredAt}, ${registeredAt}, ${nowIso}, numbered.last_number
        from numbered
        returning id`;
      ids.push(app!.id);
    }
    return ids;
  });
}
