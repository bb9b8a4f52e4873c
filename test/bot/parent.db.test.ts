/**
 * "My applications" and everything a parent does after applying, through the fake Telegram:
 * who sees what, what changed since the last look and why, withdraw, kindergartens, phone,
 * documents, an offered place, the rating; plus language, commands and update dedupe.
 */
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommands } from '../../bot/commands.ts';
import { submitApplication } from '../../core/applications.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { submitFromTelegram } from '../../core/parent-actions.ts';
import { lastApplicantOf, listParentApplications } from '../../core/parent-view.ts';
import { createOffers } from '../../core/referrals.ts';
import { changeStatus } from '../../core/status.ts';
import type { Database } from '../../db/client.ts';
import { applicants, applicantTelegramLinks, applications, auditLog, documents, feedback, groups, openQueueCodes, referrals } from '../../db/schema/index.ts';
import { iinFor, makeBot, PDF, yearsAgo } from '../support/bot.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, type Places } from '../support/factories.ts';
import { FakeParent, newTelegramUserId, nextUpdateId, type ShownMessage } from '../support/fake-telegram.ts';

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

const lastText = (ms: ShownMessage[]) => ms[ms.length - 1]?.text ?? '';

/** An application made at the office (or the portal) for a parent bound to `telegramUserId`. */
async function applyFor(telegramUserId: number | null, overrides: Parameters<typeof applicationInput>[1] = {}) {
  const input = applicationInput(places, { childYear: year, ...overrides });
  input.applicant.telegramUserId = telegramUserId;
  input.applicant.language = 'kk';
  const result = await submitApplication(database.db, input, { type: 'parent', id: null }, defaultPolicy);
  return { input, app: result.application };
}

describe('who sees which application', () => {
  it('an account sees its own applications with masked IINs, nobody else does unless staff link them', async () => {
    const { bot, tg } = harness;
    const owner = new FakeParent(bot, tg);
    const other = new FakeParent(bot, tg);
    const { input, app } = await applyFor(owner.id);

    const card = lastText(await owner.say('📋 Менің өтініштерім'));
    expect(card).toContain(`👶 Сейітқали Айсұлу Ерланқызы (ЖСН ••••••••${input.child.iin.slice(-4)})`);
    expect(card).toContain(`Өтініш № ${app.number}`);
    expect(card).toContain('Мәртебесі: Кезекте');
    expect(card).not.toContain(input.child.iin);
    // Nothing is missing: no "send a document" button.
    expect(owner.buttons()).toEqual(['🏫 Балабақшалар', '📞 Телефон', '🏷 Жеңілдік', '✖️ Қайтарып алу']);

    expect(lastText(await other.say('/my'))).toContain('Бұл Telegram аккаунтында өтініш жоқ.');
    // Crafted callback data for someone else's application is refused and changes nothing.
    await other.tapData(`app:wy:${app.id}`, 1);
    expect(other.last.text).toBe('Бұл әрекет қазір қолжетімсіз.');
    const [still] = await database.db.select().from(applications).where(eq(applications.id, app.id));
    expect(still?.status).toBe('registered');

    await database.db.insert(applicantTelegramLinks).values({ applicantId: app.applicantId, telegramUserId: other.id });
    expect(lastText(await other.say('/my'))).toContain(`Өтініш № ${app.number}`);
  });

  it("refuses every crafted button for another parent's application and answers garbage data without a crash", async () => {
    const { bot, tg, t } = harness;
    const owner = new FakeParent(bot, tg);
    const other = new FakeParent(bot, tg);
    const { app } = await applyFor(owner.id);
    const [group] = await database.db
      .select()
      .from(groups)
      .where(and(eq(groups.kindergartenId, places.kindergartenIds[0]!), eq(groups.birthYear, year), eq(groups.language, 'kk')));
    await database.db.transaction((tx) => createOffers(tx, [{ applicationIds: [app.id], groupId: group!.id }], { actor: staff, policy: defaultPolicy, now: new Date() }));
    await other.say('/my');
    const auditBefore = await database.db.select().from(auditLog).where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, app.id)));

    for (const data of ['oc', 'od', 'ody', 'w', 'wy', 'c', 'k', 'p', 'd'].map((a) => `app:${a}:${app.id}`).concat(`app:cc:${app.id}:none`, `fb:start:${app.id}`)) {
      const shown = await other.tapData(data, 1);
      const texts = shown.map((m) => m.text).join('\n');
      expect(texts, data).not.toContain(t.kk('errors.internal'));
      expect(texts, data).not.toContain(app.number);
    }
    const [still] = await database.db.select().from(applications).where(eq(applications.id, app.id));
    expect(still?.status).toBe('offered');
    expect(await database.db.select().from(auditLog).where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, app.id)))).toHaveLength(auditBefore.length);
    expect(await database.db.select().from(feedback).where(eq(feedback.applicationId, app.id))).toHaveLength(0);

    // Data no button of ours carries: answered "outdated", nothing said in the chat, no error.
    const garbage = ['', 'app:w:abc', 'app:w:-1', 'app:w:99999999999999999999', `app:w:${app.id}:x`, `app:cc:${app.id}:root`, 'lang:en', 'help:__proto__', 'q:pick:x', 'nav:', '💥'.repeat(16)];
    for (const data of garbage) {
      const answers = tg.callsOf('answerCallbackQuery').length;
      expect(await other.tapData(data, 1), data).toEqual([]);
      const answered = tg.callsOf('answerCallbackQuery').slice(answers);
      expect(answered.map((c) => c.payload.text), data).toEqual([t.kk('bot.nav.outdated')]);
    }
  });

  it('shows a waiting child\'s own open-queue code, the same at every look, and none once withdrawn', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg);
    const { app } = await applyFor(p.id);
    const shownCode = (text: string) => /Ашық кезектегі жеке кодыңыз: ([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(text)?.[1];

    const first = shownCode(lastText(await p.say('/my')));
    const [stored] = await database.db.select().from(openQueueCodes).where(eq(openQueueCodes.applicationId, app.id));
    expect(first).toBe(`${stored!.code.slice(0, 5)}-${stored!.code.slice(5)}`);
    expect(shownCode(lastText(await p.say('/my')))).toBe(first);

    await changeStatus(database.db, { applicationId: app.id, event: 'withdraw', actor: staff, reason: 'parent_request', policy: defaultPolicy });
    expect(shownCode(lastText(await p.say('/my')))).toBeUndefined();
  });

  it('applying with a known parent IIN from another account reveals only the new application', async () => {
    const { bot, tg } = harness;
    const owner = new FakeParent(bot, tg);
    const { input, app: first } = await applyFor(owner.id);
    const stranger = newTelegramUserId();
    const second = applicationInput(places, { childYear: year });
    second.applicant = { ...second.applicant, iin: input.applicant.iin };
    const result = await submitFromTelegram(database.db, { input: second, telegramUserId: stranger, policy: defaultPolicy });
    expect(result.created).toBe(true);

    const strangerParent = new FakeParent(bot, tg, { id: stranger });
    const seen = (await strangerParent.say('/my')).map((m) => m.text).join('\n');
    expect(seen).toContain(result.application.number);
    expect(seen).not.toContain(first.number);
    // The owner's record stays bound to the owner; the stranger's claim is a record of its own.
    const records = await database.db.select().from(applicants).where(eq(applicants.iin, input.applicant.iin));
    expect(records.map((r) => r.telegramUserId).sort()).toEqual([owner.id, stranger].sort());
    expect(result.application.applicantId).not.toBe(first.applicantId);
    // Each account is offered only the details it gave itself.
    expect(await lastApplicantOf(database.db, stranger)).toMatchObject({ iin: input.applicant.iin, fullName: second.applicant.fullName });
    expect(await lastApplicantOf(database.db, owner.id)).toEqual({
      iin: input.applicant.iin,
      fullName: input.applicant.fullName,
      phone: '+77012345678',
      phoneVerified: true,
      address: input.applicant.address,
    });
  });
});

describe('my applications', () => {
  it('explains a move since the last look: 3 → 2 because an application ahead was withdrawn', async () => {
    const { bot, tg } = harness;
    const local = await createPlaces(database.db);
    const mk = async (tid: number | null) => {
      const input = applicationInput(local, { childYear: year });
      input.applicant.telegramUserId = tid;
      return (await submitApplication(database.db, input, { type: 'parent', id: null }, defaultPolicy)).application;
    };
    const ahead = await mk(null);
    await mk(null);
    const p = new FakeParent(bot, tg, { languageCode: 'ru' });
    await mk(p.id);

    const firstLook = lastText(await p.say('/my'));
    expect(firstLook).toContain('Номер очерёдности: 3 · Место в очереди: 3');
    expect(firstLook).toContain('Впереди: вне очереди — 0, в первую очередь — 0, в общей очереди — 2');
    expect(firstLook).not.toContain('🔔');
    // A new queue with no places given in the past year: no guessing.
    expect(firstLook).toContain('⏳ Сколько ждать: пока мало данных за последний год, чтобы сказать честно.');

    await changeStatus(database.db, { applicationId: ahead.id, event: 'withdraw', actor: staff, reason: 'parent_request', policy: defaultPolicy });
    const secondLook = lastText(await p.say('/my'));
    expect(secondLook).toContain('Номер очерёдности: 3 · Место в очереди: 2');
    expect(secondLook).toContain('🔔 С прошлого просмотра ваше место: 3 → 2');
    expect(secondLook).toContain('• заявления впереди отозваны −1');
    // One referral issued in the middle of each of the past twelve whole months, and offers
    // never confirmed or issued this month, which do not count: at place 2, about two months.
    const midMonth = (back: number) => {
      const d = new Date();
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 15, 6));
    };
    await database.db.insert(referrals).values([
      ...Array.from({ length: 12 }, (_, i) => ({
        applicationId: ahead.id,
        groupId: local.groupIds[0]!,
        status: 'enrolled' as const,
        offeredAt: midMonth(i + 1),
        issuedAt: midMonth(i + 1),
        confirmBy: midMonth(i + 1),
      })),
      ...Array.from({ length: 3 }, (_, i) => ({
        applicationId: ahead.id,
        groupId: local.groupIds[0]!,
        status: i === 0 ? ('issued' as const) : ('declined' as const),
        offeredAt: i === 0 ? new Date() : midMonth(2),
        issuedAt: i === 0 ? new Date() : null,
        confirmBy: new Date(),
      })),
    ]);
    expect(lastText(await p.say('/my'))).toContain('⏳ Ожидание: вероятно, около 2 мес.');
    // Seen now: the next look has nothing new.
    expect(lastText(await p.say('/my'))).not.toContain('🔔');
  });

  it('reuses a place it saw only while the queue is unchanged, even when the total stays the same', async () => {
    const { bot, tg } = harness;
    const local = await createPlaces(database.db);
    const mk = async (tid: number | null) => {
      const input = applicationInput(local, { childYear: year });
      input.applicant.telegramUserId = tid;
      return (await submitApplication(database.db, input, { type: 'parent', id: null }, defaultPolicy)).application;
    };
    const ahead = await mk(null);
    await mk(null);
    const p = new FakeParent(bot, tg);
    const mine = await mk(p.id);
    expect(lastText(await p.say('/my'))).toContain('Кезектегі орны: 3');

    // The stamp is what decides: a known place under the current stamp is taken as is…
    const [app] = await listParentApplications(database.db, p.id, defaultPolicy);
    const stamp = app!.positionStamp!;
    const fake = { position: 99, ahead: { extraordinary: 0, firstPriority: 0, general: 98 } };
    const reused = await listParentApplications(database.db, p.id, defaultPolicy, { known: { [mine.id]: { stamp, position: fake } } });
    expect(reused[0]?.position).toEqual(fake);
    const stale = await listParentApplications(database.db, p.id, defaultPolicy, { known: { [mine.id]: { stamp: `${stamp}x`, position: fake } } });
    expect(stale[0]?.position?.position).toBe(3);

    // …and any change to the queue changes it: one leaves ahead, one joins behind (same total).
    await changeStatus(database.db, { applicationId: ahead.id, event: 'withdraw', actor: staff, reason: 'parent_request', policy: defaultPolicy });
    await mk(null);
    const [after] = await listParentApplications(database.db, p.id, defaultPolicy, { known: { [mine.id]: { stamp, position: fake } } });
    expect(after?.positionStamp).not.toBe(stamp);
    expect(after?.position?.position).toBe(2);
    const look = lastText(await p.say('/my'));
    expect(look).toContain('Кезектегі орны: 2');
    expect(look).toContain('🔔 Соңғы қарағаннан бері орныңыз: 3 → 2');
  });

  it('withdraws after a confirmation, as the parent, audited', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg);
    const { app } = await applyFor(p.id);
    await p.say('/my');
    expect(lastText(await p.tap('✖️ Қайтарып алу'))).toBe(
      `№ ${app.number} өтінішті қайтарып аласыз ба? Бала кезектен шығады, кезектегі орны сақталмайды.`,
    );
    expect(p.buttons()).toEqual(['Иә, қайтарып алу', 'Жоқ, қалдыру']);
    expect(lastText(await p.tap('Иә, қайтарып алу'))).toBe(`№ ${app.number} өтініш қайтарып алынды. Бала кезектен шығарылды. Қажет болса, «📝 Өтініш беру» батырмасымен жаңа өтініш бере аласыз.`);
    const [after] = await database.db.select().from(applications).where(eq(applications.id, app.id));
    expect(after?.status).toBe('withdrawn');
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, app.id), eq(auditLog.action, 'application.withdraw')));
    expect(entry).toMatchObject({ actorType: 'parent', actorId: app.applicantId, toState: 'withdrawn' });
    const card = lastText(await p.say('/my'));
    expect(card).toContain('Мәртебесі: Қайтарып алынды');
    expect(card).toContain('🔔 Соңғы қарағаннан бері мәртебесі өзгерді: Кезекте → Қайтарып алынды');
  });

  it('changes the kindergartens and the phone through core, validated and audited', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg);
    const { app } = await applyFor(p.id);
    await p.say('/my');
    await p.tap('🏫 Балабақшалар');
    expect(p.last.text).toContain('Таңдалғандар:\n1) № 1 «Балапан» балабақшасы\n2) № 2 «Балапан» балабақшасы');
    await p.tap('↩️ Қайта таңдау');
    await p.tap('№ 3 «Балапан» балабақшасы');
    const saved = await p.tap('✅ Дайын');
    expect(lastText(saved)).toBe(`✅ № ${app.number} өтініштің балабақшалары өзгертілді:\n1) № 3 «Балапан» балабақшасы\nКезектегі орныңыз өзгермейді.`);
    const [changed] = await database.db.select().from(applications).where(eq(applications.id, app.id));
    expect(changed?.kindergartenIds).toEqual([places.kindergartenIds[2]]);

    await p.say('/my');
    await p.tap('📞 Телефон');
    expect(p.replyKeyboard()).toEqual(['📱 Нөмірді жіберу', '✖️ Тоқтату']);
    const phone = await p.shareContact('+77479998877');
    expect(lastText(phone)).toBe(`✅ № ${app.number} өтініш бойынша байланыс телефоны: +77479998877`);
    const [applicant] = await database.db.select().from(applicants).where(eq(applicants.id, app.applicantId));
    expect(applicant?.phones[0]).toBe('+77479998877');
    expect(applicant?.phoneVerifiedAt).not.toBeNull();
    const trail = await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entity, 'applicant'));
    expect(trail.map((a) => a.action)).toContain('applicant.phone');
  });

  it('takes a missing document: the type is checked, the file stored', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg);
    const { app } = await applyFor(p.id, { priorityCategory: 'orphan' });
    const card = lastText(await p.say('/my'));
    expect(card).toContain('📎 Жіберу керек: Жеңілдікті растайтын құжат');
    const asked = await p.tap('📎 Құжат жіберу');
    expect(lastText(asked)).toBe('«Жеңілдікті растайтын құжат» құжатын фото немесе PDF файл түрінде жіберіңіз (ең көбі 10 МБ).');
    expect(lastText(await p.sendDocument('doc-pdf', PDF, 'анықтама.pdf', 'application/pdf'))).toBe(
      `✅ Құжат № ${app.number} өтінішке қосылды. Қызметкерлер оны тексереді.`,
    );
    const stored = await database.db.select().from(documents).where(eq(documents.applicationId, app.id));
    expect(stored).toMatchObject([{ kind: 'priority_proof', mimeType: 'application/pdf', fileName: 'анықтама.pdf' }]);
    expect(lastText(await p.say('/my'))).not.toContain('📎 Жіберу керек');
  });

  it('confirms an offered place from the card', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg);
    const { app } = await applyFor(p.id);
    const [group] = await database.db
      .select()
      .from(groups)
      .where(and(eq(groups.kindergartenId, places.kindergartenIds[0]!), eq(groups.birthYear, year), eq(groups.language, 'kk')));
    await database.db.transaction((tx) => createOffers(tx, [{ applicationIds: [app.id], groupId: group!.id }], { actor: staff, policy: defaultPolicy, now: new Date() }));
    const card = lastText(await p.say('/my'));
    expect(card).toContain('Мәртебесі: Орын ұсынылды');
    expect(card).toMatch(/🎉 Орын ұсынылды: № 1 «Балапан» балабақшасы, Абай даңғылы, 10\. Орынды растаңыз, мерзімі: \d\d\.\d\d\.\d{4}\./);
    expect(p.buttons()).toContain('✅ Орынды растау');
    const documentsBefore = tg.callsOf('sendDocument').length;
    const shown = await p.tap('✅ Орынды растау');
    expect(shown.map((m) => m.text)[0]).toMatch(/^✅ Орын расталды\. Жолдама № \d{4}-\d{6}: оны балабақшаға тапсырыңыз, мерзімі: \d\d\.\d\d\.\d{4}\.$/);
    // Then the signed referral itself, as a PDF, to the same chat.
    const sent = tg.callsOf('sendDocument').slice(documentsBefore);
    expect(sent).toHaveLength(1);
    expect(Number(sent[0]!.payload.chat_id)).toBe(p.id);
    const attached = String(sent[0]!.payload.document).replace('attach://', '');
    expect(String(sent[0]!.payload[attached])).toMatch(/^%PDF-/);
    const [after] = await database.db.select().from(applications).where(eq(applications.id, app.id));
    expect(after?.status).toBe('referred');
  });
});

describe('rating the service', () => {
  it('asks the six indicators 1–5 and stores them for the dashboard', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'ru' });
    const { app } = await applyFor(p.id);
    const intro = await p.tapData(`fb:start:${app.id}`, 1);
    expect(intro.map((m) => m.text)).toEqual([
      'Поставьте оценку от 1 до 5 (5 — отлично) по каждому вопросу.',
      '1/6. Услуга оказана вовремя?',
    ]);
    expect(p.buttons()).toEqual(['1', '2', '3', '4', '5', '✖️ Отменить']);
    await p.tap('5');
    expect(p.last.text).toBe('2/6. Насколько удобным был порядок подачи заявления?');
    expect(texts(await p.say('отлично'))[0]).toBe('Выберите один из вариантов на кнопках.');
    await p.tap('4');
    await p.tap('◀️ Назад');
    expect(p.last.text).toBe('2/6. Насколько удобным был порядок подачи заявления?');
    for (const score of ['3', '5', '4', '2', '5']) await p.tap(score);
    expect(p.last.text).toBe('Хотите что-нибудь добавить? Напишите или нажмите «Пропустить».');
    expect(lastText(await p.say('Всё понятно, спасибо'))).toBe('Спасибо! Оценка сохранена, она поможет улучшить услугу.');
    const [row] = await database.db.select().from(feedback).where(eq(feedback.applicationId, app.id));
    expect(row).toMatchObject({
      applicantId: app.applicantId,
      language: 'ru',
      withinDeadline: 5,
      process: 3,
      information: 5,
      electronic: 4,
      complaints: 2,
      courtesy: 5,
      comment: 'Всё понятно, спасибо',
    });
    expect(lastText(await p.tapData(`fb:start:${app.id}`, 1))).toBe('Вы уже оценили это заявление. Спасибо!');
  });
});

const texts = (ms: ShownMessage[]) => ms.map((m) => m.text);

describe('language, commands, help and duplicates', () => {
  it('switches language in the middle of an application and stores it with the applicant', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg);
    await applyFor(p.id);
    await p.say('/apply');
    await p.tap('✅ Келісемін');
    expect(p.last.text).toBe('Өтінішті кім береді?');
    await p.say('🌐 Тілді ауыстыру');
    const choose = p.messages.findLast((m) => m.text === 'Тілді таңдаңыз / Выберите язык:')!;
    expect(choose.inline?.flat().map((b) => b.text)).toEqual(['Қазақша', 'Русский']);
    expect(p.last.text).toBe('Өтінішті кім береді?');
    expect(texts(await p.tap('Русский', { messageId: choose.messageId }))).toEqual([
      'Хорошо, теперь общаемся на русском.',
      '📝 Заполнение заявления продолжается: ответьте на вопрос ниже. Чтобы отменить подачу, нажмите «✖️ Отменить».',
      'Кто подаёт заявление: родитель (другой законный представитель, например опекун) или представитель по доверенности?',
    ]);
    expect(p.replyKeyboard()).toEqual(['📝 Подать заявление', '📋 Мои заявления', 'ℹ️ Справка', '🌐 Сменить язык']);
    // The question in Kazakh above is now an old one; the one asked again in Russian is answered.
    const whoMessage = [...p.messages].reverse().find((m) => m.text === 'Өтінішті кім береді?')!;
    await p.tap('Ата-ана немесе заңды өкіл', { messageId: whoMessage.messageId });
    expect(tg.callsOf('answerCallbackQuery').at(-1)?.payload.text).toBe('Эта кнопка устарела. Ответьте на последнее сообщение.');
    await p.tap('Родитель или опекун');
    expect(p.last.text).toBe('Напишите ИИН ребёнка — 12 цифр. Дата рождения определится по ИИН.');
    await p.say(iinFor(yearsAgo(1, 40)));
    await p.tap('✅ Да, верно');
    // This account applied before: its parent's details are offered again, masked.
    expect(p.last.text).toContain('Вы уже подавали заявление. Оставить данные родителя как в прошлый раз?');
    expect(p.last.text).toContain('Родитель: Сейітқалиева Әсел Нұрланқызы, ИИН ••••••••');
    expect(p.buttons()).toEqual(['✅ Да, оставить', '✏️ Ввести заново', '◀️ Назад', '✖️ Отменить']);
    await p.tap('✏️ Ввести заново');
    expect(p.last.text).toBe('Напишите ИИН родителя (законного представителя) — 12 цифр.');
    const [applicant] = await database.db.select().from(applicants).where(eq(applicants.telegramUserId, p.id)).orderBy(desc(applicants.id));
    expect(applicant?.language).toBe('ru');
    await p.say('/cancel');
    expect(p.last.text).toContain('Отменить подачу заявления?');
    expect(lastText(await p.tap('✖️ Да, отменить'))).toContain('Подача заявления отменена.');
  });

  it('answers help topics and registers the commands in both languages', async () => {
    const { bot, tg, i18n } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'ru' });
    await p.say('ℹ️ Справка');
    expect(p.buttons()).toEqual(['🕘 График работы', '📄 Документы', '☎️ 1414', '📝 Жалоба', '⭐ Оценить услугу']);
    expect(lastText(await p.tap('🕘 График работы'))).toContain('понедельник–пятница, 09:00–17:30, обед 13:00–14:30');
    expect(lastText(await p.tap('☎️ 1414'))).toContain('1414');
    expect(lastText(await p.tap('📝 Жалоба'))).toContain('в течение 5 рабочих дней');

    await registerCommands(bot.api, i18n);
    const calls = tg.callsOf('setMyCommands').slice(-3);
    expect(calls.map((c) => c.payload.language_code)).toEqual([undefined, 'kk', 'ru']);
    const ru = calls[2]!.payload.commands as { command: string; description: string }[];
    expect(ru).toContainEqual({ command: 'my', description: 'Мои заявления' });
    const kk = calls[1]!.payload.commands as { command: string; description: string }[];
    expect(kk).toContainEqual({ command: 'apply', description: 'Өтініш беру' });
  });

  it('handles an update delivered twice once', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg);
    const update = { update_id: nextUpdateId(), message: { message_id: 1, date: 0, chat: { id: p.id, type: 'private' as const, first_name: 'Ә' }, from: { id: p.id, is_bot: false, first_name: 'Ә' }, text: '/help', entities: [{ type: 'bot_command' as const, offset: 0, length: 5 }] } };
    await bot.handleUpdate(update);
    await bot.handleUpdate(update);
    await Promise.all([bot.handleUpdate(update), bot.handleUpdate(update)]);
    expect(p.messages).toHaveLength(1);
  });

  it('ignores groups', async () => {
    const { bot, tg } = harness;
    const before = tg.calls.length;
    await bot.handleUpdate({
      update_id: nextUpdateId(),
      message: { message_id: 1, date: 0, chat: { id: -100123, type: 'group', title: 'Ата-аналар' }, from: { id: 5, is_bot: false, first_name: 'Ә' }, text: '/start' },
    });
    expect(tg.calls.length).toBe(before);
  });
});


