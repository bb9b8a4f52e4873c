/**
 * The rating is asked once, with the first result of an application (an offer, a referral, a
 * refusal), in the parent's language: not with the registration, and not again with the next result.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, createNotifierApi } from '../../bot/notifier.ts';
import { submitApplication } from '../../core/applications.ts';
import { createLogger } from '../../core/logger.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { createOffers, declineOffer } from '../../core/referrals.ts';
import { changeStatus } from '../../core/status.ts';
import type { Database } from '../../db/client.ts';
import { groups } from '../../db/schema/index.ts';
import { botConfig, makeBot } from '../support/bot.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { FakeParent } from '../support/fake-telegram.ts';

let database: Database;
let places: Places;
let harness: Awaited<ReturnType<typeof makeBot>>;
const staff = { type: 'staff', id: 1 } as const;
const year = new Date().getUTCFullYear() - 3;

beforeAll(async () => {
  database = await openTestDatabase();
  places = await createPlaces(database.db);
  harness = await makeBot(database);
});
afterAll(async () => {
  await database.close();
});

const TEXTS = {
  kk: {
    invite: 'Қызметті бағалағыңыз келе ме? Бұл бір минут алады.',
    rate: '⭐ Қызметті бағалау',
    offer: 'орын ұсынылды',
    intro: 'Әр сұраққа 1-ден 5-ке дейін баға қойыңыз (5 — өте жақсы).',
  },
  ru: {
    invite: 'Хотите оценить услугу? Это займёт минуту.',
    rate: '⭐ Оценить услугу',
    offer: 'предложено место',
    intro: 'Поставьте оценку от 1 до 5 (5 — отлично) по каждому вопросу.',
  },
};

describe.each(['kk', 'ru'] as const)('the rating (%s)', (language) => {
  it('is asked with the first result only, not with the registration nor the next result', async () => {
    const { bot, tg, i18n } = harness;
    const x = TEXTS[language];
    const p = new FakeParent(bot, tg, { languageCode: language });
    const notifier = createNotifier({ db: database.db, logger: createLogger('silent'), i18n, api: createNotifierApi(botConfig, { fetch: tg.fetch }) });
    const deliver = async () => {
      const before = tg.chat(p.id).length;
      while ((await notifier.tick()) > 0);
      return tg.chat(p.id).slice(before);
    };

    // Handed in at the office and registered by staff: the registration notice asks nothing.
    const input = applicationInput(places, { childYear: year, channel: 'office' });
    input.applicant = { ...input.applicant, telegramUserId: p.id, language };
    const { application: app } = await submitApplication(database.db, input, staff, defaultPolicy);
    if (app.status === 'submitted') await changeStatus(database.db, { applicationId: app.id, event: 'register', actor: staff, reason: 'documents_verified', policy: defaultPolicy });
    const registered = await deliver();
    expect(registered.map((m) => m.text).join('\n')).not.toContain(x.invite);
    expect(registered.flatMap((m) => m.inline?.flat().map((b) => b.text) ?? [])).not.toContain(x.rate);

    // The first result: an offered place, with the invitation and its button.
    const [group] = await database.db
      .select()
      .from(groups)
      .where(and(eq(groups.kindergartenId, places.kindergartenIds[0]!), eq(groups.birthYear, year), eq(groups.language, language)));
    const offer = async () =>
      (await database.db.transaction((tx) => createOffers(tx, [{ applicationIds: [app.id], groupId: group!.id }], { actor: staff, policy: defaultPolicy, now: new Date() })))[0]!;
    const first = await offer();
    const offered = await deliver();
    expect(offered).toHaveLength(1);
    expect(offered[0]!.text).toContain(x.offer);
    expect(offered[0]!.text.endsWith(`\n\n${x.invite}`)).toBe(true);
    expect(offered[0]!.inline?.flat().map((b) => b.text)).toContain(x.rate);
    expect(p.buttons()).toContain(x.rate);
    expect((await p.tap(x.rate)).map((m) => m.text)[0]).toBe(x.intro);

    // The place is declined, offered again and declined, then the application is refused: no second invitation.
    const decline = (referralId: number) =>
      declineOffer(database.db, { referralId, actor: staff, policy: defaultPolicy, onBehalf: { channel: 'phone', reason: 'далеко' } });
    await decline(first.id);
    await decline((await offer()).id);
    await changeStatus(database.db, { applicationId: app.id, event: 'refuse', actor: staff, reason: 'documents_mismatch', policy: defaultPolicy });
    const later = await deliver();
    expect(later.length).toBeGreaterThanOrEqual(4);
    for (const m of later) {
      expect(m.text).not.toContain(x.invite);
      expect(m.inline?.flat().map((b) => b.text) ?? []).not.toContain(x.rate);
    }
    // Six messages to one chat are paced by Telegram's per-chat limit in the notifier's throttler.
  }, 90_000);
});
