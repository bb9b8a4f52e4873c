import { and, asc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { compareNames, type Locale } from './format.ts';
import { districts, kindergartens, localities } from '../db/schema/index.ts';
import type { Language } from '../locales/languages.ts';

export interface DistrictChoice {
  id: number;
  nameKk: string;
  nameRu: string;
  localityKk: string;
  localityRu: string;
}

export interface KindergartenChoice {
  id: number;
  number: number;
  nameKk: string;
  nameRu: string;
}

/** Kazakh order puts «Әуезов» right after А, which the database's byte or Russian order does not. */
export async function listDistricts(db: Queryable, language: Locale = 'kk'): Promise<DistrictChoice[]> {
  const rows = await db
    .select({
      id: districts.id,
      nameKk: districts.nameKk,
      nameRu: districts.nameRu,
      localityKk: localities.nameKk,
      localityRu: localities.nameRu,
    })
    .from(districts)
    .innerJoin(localities, eq(localities.id, districts.localityId))
    .orderBy(asc(districts.id));
  const ru = language === 'ru';
  return [...rows].sort((x, y) => {
    const [lx, nx, ly, ny] = ru ? [x.localityRu, x.nameRu, y.localityRu, y.nameRu] : [x.localityKk, x.nameKk, y.localityKk, y.nameKk];
    return compareNames(language, lx, ly) || compareNames(language, nx, ny) || x.id - y.id;
  });
}

export async function listKindergartens(db: Queryable, districtId: number, language: Language): Promise<KindergartenChoice[]> {
  return db
    .select({ id: kindergartens.id, number: kindergartens.number, nameKk: kindergartens.nameKk, nameRu: kindergartens.nameRu })
    .from(kindergartens)
    .where(
      and(
        eq(kindergartens.districtId, districtId),
        eq(kindergartens.active, 1),
        sql`${language}::language = any(${kindergartens.languages})`,
      ),
    )
    .orderBy(asc(kindergartens.number), asc(kindergartens.id));
}
