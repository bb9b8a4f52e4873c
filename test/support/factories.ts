import { randomInt } from 'node:crypto';
import type { Queryable } from '../../db/client.ts';
import { districts, groups, kindergartens, localities } from '../../db/schema/index.ts';
import type { ApplicationInput } from '../../core/applications.ts';
import { makeIin } from '../../core/iin.ts';
import type { Policy } from '../../core/policy.ts';
import { decidePriorityClaim } from '../../core/priority.ts';

/** IINs run on sequentially from a random start per file, so files sharing the database never pick the same child. */
function iinSequence(fromYear: number, span: number) {
  let day = randomInt(0, span);
  let serial = randomInt(0, 9000);
  let used = 0;
  return (sex: 'male' | 'female' = 'male'): { iin: string; birthDate: string } => {
    if (used++ >= 900) {
      used = 0;
      day = (day + 1) % span;
    }
    const birthDate = new Date(Date.UTC(fromYear, 0, 1 + day)).toISOString().slice(0, 10);
    const iin = makeIin(birthDate, sex, (serial + 1 + randomInt(0, 9)) % 10000);
    // makeIin may skip serials without a check digit: go on from the one it used.
    serial = Number(iin.slice(7, 11));
    return { iin, birthDate };
  };
}

const adults = iinSequence(1980, 7000);
const childrenByYear = new Map<number, ReturnType<typeof iinSequence>>();

export function newChild(year = new Date().getUTCFullYear() - 3): { iin: string; birthDate: string } {
  let seq = childrenByYear.get(year);
  if (!seq) {
    const span = year === new Date().getUTCFullYear() ? Math.max(1, new Date().getUTCMonth() * 28) : 360;
    seq = iinSequence(year, span);
    childrenByYear.set(year, seq);
  }
  return seq(randomInt(0, 2) ? 'male' : 'female');
}

export function newAdultIin(): string {
  return adults(randomInt(0, 2) ? 'male' : 'female').iin;
}

export interface Places {
  districtId: number;
  kindergartenIds: number[];
  groupIds: number[];
}

export async function createPlaces(db: Queryable, options: { kindergartens?: number } = {}): Promise<Places> {
  const tag = `${Date.now().toString(36)}${randomInt(0, 1e9).toString(36)}`;
  const [locality] = await db
    .insert(localities)
    .values({ kato: `t${tag}`, nameKk: 'Сынақ қаласы', nameRu: 'Тестовый город' })
    .returning();
  const [district] = await db
    .insert(districts)
    .values({ localityId: locality!.id, code: `d${tag}`, nameKk: 'Сынақ ауданы', nameRu: 'Тестовый район' })
    .returning();
  const count = options.kindergartens ?? 3;
  const kgs = await db
    .insert(kindergartens)
    .values(
      Array.from({ length: count }, (_, i) => ({
        districtId: district!.id,
        number: i + 1,
        nameKk: `№ ${i + 1} «Балапан» балабақшасы`,
        nameRu: `Детский сад № ${i + 1} «Балапан»`,
        addressKk: `Абай даңғылы, ${10 + i}`,
        addressRu: `проспект Абая, ${10 + i}`,
        languages: ['kk' as const, 'ru' as const],
      })),
    )
    .returning();
  const year = new Date().getUTCFullYear();
  const rows = kgs.flatMap((k) =>
    [year - 5, year - 4, year - 3, year - 2].flatMap((birthYear) =>
      (['kk', 'ru'] as const).map((language) => ({
        kindergartenId: k.id,
        name: `${birthYear}-${language}`,
        birthYear,
        language,
        capacity: 25,
        enrolled: 20,
      })),
    ),
  );
  const gs = await db.insert(groups).values(rows).returning();
  return { districtId: district!.id, kindergartenIds: kgs.map((k) => k.id), groupIds: gs.map((g) => g.id) };
}

export function applicationInput(
  places: Places,
  overrides: Partial<ApplicationInput> & { childYear?: number; at?: Date } = {},
): ApplicationInput {
  const { childYear, at, ...rest } = overrides;
  const child = newChild(childYear);
  return {
    applicant: {
      iin: newAdultIin(),
      fullName: 'Сейітқалиева Әсел Нұрланқызы',
      phones: ['+7 701 234 56 78'],
      phoneVerified: true,
      address: 'Алматы, Абай даңғылы, 10, 5',
      telegramUserId: randomInt(1, 2 ** 40),
      language: 'kk',
      consentAt: new Date((at ?? new Date()).getTime() - 60_000),
    },
    child: {
      iin: child.iin,
      fullName: 'Сейітқали Айсұлу Ерланқызы',
      birthDate: child.birthDate,
      birthCertificateNumber: `I-${randomInt(100000, 999999)}`,
    },
    districtId: places.districtId,
    language: 'kk',
    kindergartenIds: places.kindergartenIds.slice(0, 2),
    priorityCategory: 'none',
    channel: 'bot',
    ...rest,
  };
}

export async function grantPriority(db: Queryable, applicationId: number, policy: Policy, now?: Date) {
  const first = await decidePriorityClaim(db, { applicationId, decision: 'verified', actor: { type: 'staff', id: 1 }, policy, now });
  if (first.priorityProof === 'verified') return first;
  return decidePriorityClaim(db, { applicationId, decision: 'verified', actor: { type: 'staff', id: 2 }, policy, now });
}
