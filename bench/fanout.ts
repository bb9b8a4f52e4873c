/**
 * An allocation round's offers delivered by the real notifier to a fake Bot API over HTTP that
 * enforces Telegram's flood limits with real 429s. Checked: none lost or doubled, offers first.
 */
import { sql as dsql } from 'drizzle-orm';
import { createNotifier, createNotifierApi } from '../bot/notifier.ts';
import { loadConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { commitRound, previewRound } from '../core/rounds.ts';
import { loadPolicy } from '../core/policy.ts';
import { rowsOf } from '../db/client.ts';
import { createI18n } from '../locales/index.ts';
import { BOT_TOKEN, FakeTelegram } from '../test/support/fake-telegram.ts';
import { fillApplications } from './fill.ts';
import type { BenchCase } from './index.ts';

const LIMITS = { perSecond: 30, perChatPerSecond: 1 };
const CHAT_BASE = 7_000_000_000;

export const fanoutCase: BenchCase = {
  name: 'fanout',
  description: 'a round of FANOUT_N (10,000) offers delivered to a fake Telegram enforcing its flood limits',
  database: 'balabaqsha_bench_fanout',
  async run(ctx) {
    const { sql, log } = ctx;
    const db = ctx.database.db;
    const n = ctx.settings.FANOUT_N;
    const infoCount = Math.max(1, Math.round(n / 20));
    const total = Math.max(n * 4, 2_000);
    await fillApplications(sql, { total, bigQueue: Math.floor(total / 10), log });

    const groups = await sql<{ id: number }[]>`
      select g.id from groups g join kindergartens k on k.id = g.kindergarten_id
      where exists (select 1 from queues q join queue_counts c on c.queue_id = q.id and c.level = 0 and c.n > 0
                    where q.district_id = k.district_id and q.birth_year = g.birth_year and q.language = g.language)
      order by g.id`;
    const base = Math.floor(n / groups.length);
    const extra = n - base * groups.length;
    await sql`update groups set capacity = enrolled`;
    for (const [i, g] of groups.entries()) await sql`update groups set capacity = enrolled + ${base + (i < extra ? 1 : 0)} where id = ${g.id}`;

    // The round. Messages from filling (registration notices) are not what is measured.
    await sql`update notifications set status = 'sent'`;
    const policy = { ...(await loadPolicy(db)), freeze: { from: { month: 1, day: 1 }, to: { month: 1, day: 1 } } };
    const actor = { type: 'staff', id: 1 } as const;
    const districts = await sql<{ id: number }[]>`select distinct district_id as id from queues order by 1`;
    const roundStarted = performance.now();
    let offers = 0;
    // Seats nobody ranked stay free: they move to groups that filled up, for another round.
    for (let round = 1; round <= 5 && offers < n; round++) {
      for (const d of districts) {
        const { roundId } = await previewRound(db, { districtId: d.id, actor, policy });
        offers += (await commitRound(db, { roundId, actor, policy })).referrals.length;
      }
      const short = n - offers;
      if (short <= 0) break;
      await sql`update groups set capacity = enrolled + (select count(*) from referrals r where r.group_id = groups.id and r.status in ('offered', 'issued'))`;
      const full = await sql<{ id: number }[]>`
        select g.id from groups g where g.id in (select group_id from referrals where status = 'offered') order by g.id`;
      for (const [i, g] of full.entries()) {
        const more = Math.floor(short / full.length) + (i < short % full.length ? 1 : 0);
        if (more) await sql`update groups set capacity = capacity + ${more} where id = ${g.id}`;
      }
    }
    log(`rounds: ${offers.toLocaleString('en')} offers (${n.toLocaleString('en')} wanted) in ${((performance.now() - roundStarted) / 1000).toFixed(1)} s`);

    // Queued a minute before the offers: only the priority puts the offers ahead of them.
    const waiting = await sql<{ id: number; applicant_id: number; number: string }[]>`
      select id, applicant_id, number from applications where status = 'registered' order by id limit ${infoCount}`;
    await sql`
      insert into notifications (applicant_id, application_id, kind, params, due_at, priority)
      select x.applicant_id, x.id, 'priority_verified', jsonb_build_object('number', x.number), now() - interval '1 minute', 0
      from jsonb_to_recordset(${JSON.stringify(waiting)}::jsonb) as x(id int, applicant_id int, number text)`;
    // One chat per application: representatives and earlier links out of the way.
    await sql`update representatives set telegram_user_id = null`;
    await sql`delete from application_telegram_links`;
    await sql`
      insert into application_telegram_links (application_id, telegram_user_id, source)
      select distinct application_id, ${CHAT_BASE}::bigint + application_id, 'submitted' from notifications where status = 'pending'`;
    const expected = await rowsOf<{ id: number; kind: string; chat: number }>(
      db,
      dsql`select id::int, kind, (${CHAT_BASE}::bigint + application_id)::float8 as chat from notifications where status = 'pending' order by id`,
    );
    const offerRows = expected.filter((e) => e.kind === 'status_offer').length;
    log(`outbox: ${offerRows.toLocaleString('en')} offers + ${(expected.length - offerRows).toLocaleString('en')} informational messages pending`);

    const tg = new FakeTelegram(LIMITS);
    const server = await tg.listen();
    const config = loadConfig({ BOT_TOKEN, TELEGRAM_API_ROOT: server.apiRoot });
    const notifier = createNotifier({
      db,
      logger: createLogger('warn'),
      i18n: await createI18n(),
      api: createNotifierApi(config),
      leaseMs: config.NOTIFY_LEASE_SECONDS * 1000,
      intervalMs: 200,
    });
    const started = performance.now();
    notifier.start();
    let last = 0;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const [left] = await sql<{ n: number }[]>`select count(*)::int as n from notifications where status in ('pending', 'claimed', 'sending')`;
      const delivered = tg.messages.size;
      if (delivered - last >= 1000 || left!.n === 0) {
        log(`${delivered.toLocaleString('en')} delivered, ${left!.n.toLocaleString('en')} left, ${((performance.now() - started) / 1000).toFixed(0)} s`);
        last = delivered;
      }
      if (left!.n === 0) break;
    }
    await notifier.stop();
    await server.close();

    // The fake's record is the truth: what each chat received, in order.
    const shown = [...tg.messages.values()].sort((a, b) => a.messageId - b.messageId);
    const seconds = (tg.lastSentAt - started) / 1000;
    const byChat = new Map<number, number>();
    for (const m of shown) byChat.set(m.chatId, (byChat.get(m.chatId) ?? 0) + 1);
    const perChat = new Map<number, number>();
    for (const e of expected) perChat.set(e.chat, (perChat.get(e.chat) ?? 0) + 1);
    let duplicates = 0;
    let lost = 0;
    for (const [chat, want] of perChat) {
      const got = byChat.get(chat) ?? 0;
      duplicates += Math.max(0, got - want);
      lost += Math.max(0, want - got);
    }
    for (const [chat, got] of byChat) if (!perChat.has(chat)) duplicates += got;
    const [rows] = await sql<{ sent: number; failed: number }[]>`
      select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'failed')::int as failed
      from notifications where id = any(${expected.map((e) => e.id)}::bigint[])`;
    // Order: the first request for each message, offers against informational ones.
    const isOffer = (text: string) => !text.includes('жеңілдік құқығы расталды') && !text.includes('право на льготу подтверждено');
    const firstRequests = new Map<string, number>();
    tg.callsOf('sendMessage').forEach((c, i) => {
      const key = `${String(c.payload.chat_id)}:${String(c.payload.text)}`;
      if (!firstRequests.has(key)) firstRequests.set(key, i);
    });
    const requestOrder = [...firstRequests.entries()].sort((a, b) => a[1] - b[1]).map(([key]) => isOffer(key));
    const firstInfo = requestOrder.indexOf(false);
    const offersAfterInfo = firstInfo < 0 ? 0 : requestOrder.slice(firstInfo).filter(Boolean).length;
    const deliveredOrder = shown.map((m) => isOffer(m.text));
    const firstInfoDelivered = deliveredOrder.indexOf(false);
    const offersDeliveredAfterInfo = firstInfoDelivered < 0 ? 0 : deliveredOrder.slice(firstInfoDelivered).filter(Boolean).length;
    const rate = shown.length / seconds;
    console.log(
      `delivered ${shown.length.toLocaleString('en')} of ${expected.length.toLocaleString('en')} in ${seconds.toFixed(1)} s: ` +
        `${rate.toFixed(2)}/s of ${LIMITS.perSecond}/s allowed (${((rate / LIMITS.perSecond) * 100).toFixed(1)} %); ` +
        `429 answers ${tg.floodRefusals}; duplicates ${duplicates}, lost ${lost}; rows sent ${rows!.sent}, failed ${rows!.failed}; ` +
        `offers requested after the first informational message ${offersAfterInfo}, delivered after it ${offersDeliveredAfterInfo}`,
    );
    return {
      bench: 'fanout',
      notifications: expected.length,
      seconds: +seconds.toFixed(1),
      rate_per_s: +rate.toFixed(2),
      allowed_per_s: LIMITS.perSecond,
      duplicates,
      lost,
    };
  },
};
