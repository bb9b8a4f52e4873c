/** The figure is the wall time of every district's preview and commit together. */
import { sql as dsql } from 'drizzle-orm';
import { commitRound, previewRound } from '../core/rounds.ts';
import { loadPolicy } from '../core/policy.ts';
import { rowsOf } from '../db/client.ts';
import { fillApplications } from './fill.ts';
import type { BenchCase } from './index.ts';

const SEATS = 10_000;

export const allocationCase: BenchCase = {
  name: 'allocation',
  description: `allocation rounds giving ${SEATS.toLocaleString('en')} seats over 1M applications`,
  async run(ctx) {
    const { sql, settings, log } = ctx;
    const db = ctx.database.db;
    const total = settings.BENCH_APPLICATIONS;
    await fillApplications(sql, { total, bigQueue: Math.min(settings.BENCH_BIG_QUEUE, Math.floor(total * 0.9)), log });
    await sql`checkpoint`.catch(() => undefined);

    const groups = await sql<{ id: number }[]>`
      select g.id from groups g join kindergartens k on k.id = g.kindergarten_id
      where exists (select 1 from queues q join queue_counts c on c.queue_id = q.id and c.level = 0 and c.n > 0
                    where q.district_id = k.district_id and q.birth_year = g.birth_year and q.language = g.language)
      order by g.id`;
    const base = Math.floor(SEATS / groups.length);
    const extra = SEATS - base * groups.length;
    await sql`update groups set capacity = enrolled + 0`;
    for (const [i, g] of groups.entries()) {
      await sql`update groups set capacity = enrolled + ${base + (i < extra ? 1 : 0)} where id = ${g.id}`;
    }
    const [seats] = await sql<{ n: number }[]>`select sum(capacity - enrolled)::int as n from groups`;
    const districts = await sql<{ id: number; waiting: number }[]>`
      select q.district_id as id, sum(c.n)::int as waiting from queues q join queue_counts c on c.queue_id = q.id and c.level = 0
      group by 1 order by 1`;
    log(`${seats!.n.toLocaleString('en')} free seats in ${groups.length} groups; ${districts.length} districts`);

    const policy = { ...(await loadPolicy(db)), freeze: { from: { month: 1, day: 1 }, to: { month: 1, day: 1 } } };
    const actor = { type: 'staff', id: 1 } as const;
    const now = new Date();
    let previewMs = 0;
    let commitMs = 0;
    let offered = 0;
    let skipped = 0;
    const lines: string[] = [];
    for (const d of districts) {
      const t0 = performance.now();
      const { roundId, plan } = await previewRound(db, { districtId: d.id, actor, policy, now });
      const t1 = performance.now();
      const result = await commitRound(db, { roundId, actor, policy, now });
      const t2 = performance.now();
      previewMs += t1 - t0;
      commitMs += t2 - t1;
      offered += result.referrals.length;
      skipped += plan.skipped.length;
      lines.push(
        `district ${d.id}: ${d.waiting.toLocaleString('en')} waiting, ${plan.seats} seats → ${result.referrals.length} offers ` +
          `(${result.dropped.length} dropped); preview ${(t1 - t0).toFixed(0)} ms, commit ${(t2 - t1).toFixed(0)} ms`,
      );
    }
    for (const l of lines) console.log(l);
    // The round must leave the data consistent: one live offer per child, no group oversold.
    const [check] = await rowsOf<{ doubled: number; oversold: number; live: number }>(
      db,
      dsql`select
        (select count(*) from (select application_id from referrals where status in ('offered','issued') group by 1 having count(*) > 1) x)::int as doubled,
        (select count(*) from groups g where g.capacity - g.enrolled < (select count(*) from referrals r where r.group_id = g.id and r.status in ('offered','issued')))::int as oversold,
        (select count(*) from referrals where status = 'offered')::int as live`,
    );
    const seconds = (previewMs + commitMs) / 1000;
    console.log(
      `offers ${offered.toLocaleString('en')} of ${seats!.n.toLocaleString('en')} seats; skipped listed ${skipped}; ` +
        `preview ${(previewMs / 1000).toFixed(2)} s + commit ${(commitMs / 1000).toFixed(2)} s = ${seconds.toFixed(2)} s; ` +
        `doubled offers ${check!.doubled}, oversold groups ${check!.oversold}, live offers ${check!.live}`,
    );
    return { bench: 'allocation', seats: seats!.n, applications: total, offers: offered, seconds: +seconds.toFixed(2) };
  },
};
