/**
 * Free seats of a group = capacity − enrolled − live offers and referrals, computed from the rows
 * every time (never stored, so never stale). Every place is given under the group's row lock, so
 * concurrent staff actions cannot oversell a group.
 */
import { asc, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { rowsOf, type Queryable, type Tx } from '../db/client.ts';
import { groups } from '../db/schema/index.ts';
import type { Language } from '../locales/languages.ts';

export interface GroupSeats {
  groupId: number;
  kindergartenId: number;
  districtId: number;
  birthYear: number;
  language: Language;
  capacity: number;
  enrolled: number;
  live: number;
  free: number;
}

/** Seats a group's live offers and referrals hold. */
export function seatsHeld(groupId: SQLWrapper): SQL<number> {
  return sql<number>`(select count(*)::int from referrals r where r.group_id = ${groupId} and r.status in ('offered', 'issued'))`;
}

/**
 * Free seats = capacity − enrolled − held, never below zero: a group over capacity (capacity
 * lowered by hand, or a race the row lock did not cover) has no free seats, and must not lower a
 * district's total by the excess.
 */
export function freeSeats(capacity: SQLWrapper, enrolled: SQLWrapper, held: SQLWrapper): SQL<number> {
  return sql<number>`greatest(${capacity} - ${enrolled} - ${held}, 0)::int`;
}

export async function groupSeats(db: Queryable, where: { groupIds?: number[]; districtId?: number }): Promise<GroupSeats[]> {
  const rows = await rowsOf<GroupSeats>(
    db,
    sql`select g.id as "groupId", g.kindergarten_id as "kindergartenId", k.district_id as "districtId",
          g.birth_year as "birthYear", g.language, g.capacity, g.enrolled,
          coalesce(l.n, 0)::int as live, ${freeSeats(sql`g.capacity`, sql`g.enrolled`, sql`coalesce(l.n, 0)`)} as free
        from groups g
        join kindergartens k on k.id = g.kindergarten_id
        left join (select group_id, count(*) as n from referrals where status in ('offered', 'issued') group by group_id) l
          on l.group_id = g.id
        where ${where.groupIds ? sql`g.id in ${where.groupIds.length ? sql`(${sql.join(where.groupIds.map((id) => sql`${id}`), sql`, `)})` : sql`(null)`}` : sql`true`}
          and ${where.districtId !== undefined ? sql`k.district_id = ${where.districtId}` : sql`true`}
          and k.active = 1
        order by g.id`,
  );
  return rows;
}

/** Locks groups (in id order, so two staff actions cannot deadlock) and reads their seats. */
export async function lockGroups(tx: Tx, groupIds: number[]): Promise<Map<number, GroupSeats>> {
  const ids = [...new Set(groupIds)].sort((a, b) => a - b);
  if (ids.length === 0) return new Map();
  await tx.select({ id: groups.id }).from(groups).where(inArray(groups.id, ids)).orderBy(asc(groups.id)).for('no key update');
  return new Map((await groupSeats(tx, { groupIds: ids })).map((g) => [g.groupId, g]));
}
