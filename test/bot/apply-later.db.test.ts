/**
 * Issue 13, points 4 and 9, through grammY and the fake Telegram in Kazakh and Russian: a right
 * claimed with its proof sent later (the card, the reminder, the upload), the right changed or
 * dropped after submitting, Back that shows the answer given, and applying again after a
 * withdrawal without typing the child's data again.
 */
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNotification } from '../../bot/views/notification.ts';
import { PROOF_REMINDER_JOB, priorityClaimJobs } from '../../core/priority-claims.ts';
import type { Database } from '../../db/client.ts';
import { applications, auditLog, children, documents, jobs, notifications, positionChanges, queues } from '../../db/schema/index.ts';
import { createBotPlaces, iinFor, makeBot, PNG, yearsAgo, type BotPlaces } from '../support/bot.ts';
import { openTestDatabase } from '../support/db.ts';
import { FakeParent, type ShownMessage } from '../support/fake-telegram.ts';

let database: Database;
let places: BotPlaces;
let harness: Awaited<ReturnType<typeof makeBot>>;

beforeAll(async () => {
  database = await openTestDatabase();
  places = await createBotPlaces(database.db);
  harness = await makeBot(database);
});
afterAll(async () => {
  await database.close();
});

const lastText = (ms: ShownMessage[]) => ms[ms.length - 1]?.text ?? '';
const allText = (ms: ShownMessage[]) => ms.map((m) => m.text).join('\n');

const L = {
  kk: {
    consent: '✅ Келісемін',
    parent: 'Ата-ана немесе заңды өкіл',
    birthOk: '✅ Иә, дұрыс',
    lang: 'қазақ тілі',
    kg: '№ 13 "Ақбота" балабақшасы',
    done: '✅ Дайын',
    none: 'Жеңілдік жоқ',
    large: '7. Көп балалы отбасы',
    later: '⏳ Кейін жіберемін',
    former: '✅ Иә, осылай қалсын',
    confirm: '✅ Растау және жіберу',
    my: '📋 Менің өтініштерім',
    district: () => places.districtKk,
  },
  ru: {
    consent: '✅ Даю согласие',
    parent: 'Родитель или опекун',
    birthOk: '✅ Да, верно',
    lang: 'русский язык',
    kg: 'Детский сад № 13 "Ақбота"',
    done: '✅ Готово',
    none: 'Льготы нет',
    large: '7. Многодетная семья',
    later: '⏳ Пришлю позже',
    former: '✅ Да, оставить',
    confirm: '✅ Подтвердить и отправить',
    my: '📋 Мои заявления',
    district: () => places.districtRu,
  },
} as const;

/** /apply up to the category question, as a parent with nothing known. */
async function upToCategory(p: FakeParent, lang: 'kk' | 'ru', childIin: string, parentIin: string) {
  const l = L[lang];
  await p.say('/apply');
  await p.tap(l.consent);
  await p.tap(l.parent);
  await p.say(childIin);
  await p.tap(l.birthOk);
  await p.say(parentIin);
  await p.say(lang === 'kk' ? 'Ахметова Сәуле Бекқызы' : 'Ахметова Сауле Бековна');
  await p.say('+7 702 111 22 33');
  await p.say(lang === 'kk' ? 'Ахметов Ержан Серікұлы' : 'Ахметов Ержан Серикович');
  await p.say('I-АЖ 445566');
  await p.say(places.tag);
  await p.tap(new RegExp(l.district()));
  await p.tap(l.lang);
  await p.tap(l.kg);
  return p.tap(l.done);
}

async function appOf(childIin: string) {
  const [row] = await database.db
    .select({ app: applications })
    .from(applications)
    .innerJoin(children, eq(children.id, applications.childId))
    .where(eq(children.iin, childIin))
    .orderBy(desc(applications.id));
  return row!.app;
}

async function auditActions(applicationId: number) {
  const rows = await database.db
    .select({ action: auditLog.action, from: auditLog.fromState, to: auditLog.toState })
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'application'), eq(auditLog.entityId, applicationId)));
  return rows;
}

describe('a priority right whose proof comes later', () => {
  it('in Kazakh: registered with the right claimed, the card says what is missing and by when, a reminder comes, the proof is sent from the card', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'kk' });
    const childIin = iinFor(yearsAgo(3, 11));
    await upToCategory(p, 'kk', childIin, iinFor('1991-01-21'));
    const proofQuestion = lastText(await p.tap(L.kk.large));
    expect(proofQuestion).toContain('Құжат қазір қолыңызда болмаса, «Кейін жіберемін» батырмасын басыңыз');
    expect(proofQuestion).toContain('құжатты 10 күн ішінде «📋 Менің өтініштерім» бөлімінен жібересіз');
    expect(p.buttons()).toEqual(['⏳ Кейін жіберемін', '◀️ Артқа', '✖️ Тоқтату']);
    expect(lastText(await p.tap(L.kk.later))).toBe('Тұрғылықты мекенжайыңызды жазыңыз: қала, көше, үй, пәтер.');
    const summary = lastText(await p.say('Алматы, Сейфуллин көшесі, 5'));
    expect(summary).toContain('Жеңілдік: Көп балалы отбасылардың балалары');
    expect(summary).toContain(': кейін жіберіледі');
    const notice = allText(await p.tap(L.kk.confirm));
    expect(notice).toContain('✅ Өтініш кезекке қойылды');
    expect(notice).toMatch(/📎 Жеңілдікті растайтын құжатты «📋 Менің өтініштерім» бөлімінен жіберіңіз\. Мерзімі: \d\d\.\d\d\.\d{4}\. Құжат тексерілгенше бала жалпы кезекте күтеді\./);

    const app = await appOf(childIin);
    expect(app.priorityCategory).toBe('large_family');
    expect(app.priorityProof).toBe('pending');
    expect(app.queueCategory).toBe(2);
    expect(app.priorityProofDueAt).not.toBeNull();
    expect((await auditActions(app.id)).map((a) => a.action)).toContain('application.priority_proof_awaited');

    const card = lastText(await p.say(L.kk.my));
    expect(card).toContain('📎 Жіберу керек: Жеңілдікті растайтын құжат');
    expect(card).toMatch(/Құжатты жіберу мерзімі: \d\d\.\d\d\.\d{4}\. Құжат тексерілгенше бала жалпы кезекте күтеді\./);
    expect(p.buttons()).toEqual(['🏫 Балабақшалар', '📞 Телефон', '🏷 Жеңілдік', '📎 Құжат жіберу', '✖️ Қайтарып алу']);

    // The reminder: a job before the deadline puts the notification in the outbox.
    const [job] = await database.db.select().from(jobs).where(eq(jobs.dedupeKey, `application:${app.id}:proof_remind`));
    expect(job?.kind).toBe(PROOF_REMINDER_JOB);
    expect(job!.runAt.getTime()).toBeLessThan(app.priorityProofDueAt!.getTime());
    await database.db.transaction((tx) => priorityClaimJobs()[PROOF_REMINDER_JOB]!(tx, job!, job!.runAt));
    const [reminder] = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.applicationId, app.id), eq(notifications.kind, 'priority_proof_reminder')));
    expect(reminder?.params).toMatchObject({ number: app.number });
    const due = app.priorityProofDueAt!.toLocaleDateString('ru-RU', { timeZone: 'Asia/Almaty' });
    const item = { ...reminder!, chatId: p.id, unreachable: false, uncertain: false, params: reminder!.params as Record<string, string> };
    expect(renderNotification(harness.i18n, { ...item, language: 'kk' }).text).toBe(
      `⏰ Өтініш № ${app.number}: жеңілдікті растайтын құжатты «📋 Менің өтініштерім» бөлімінен жіберіңіз. Мерзімі: ${due}. Құжат тексерілгенше бала жалпы кезекте күтеді.`,
    );
    expect(renderNotification(harness.i18n, { ...item, language: 'ru' }).text).toBe(
      `⏰ Заявление № ${app.number}: пришлите документ, подтверждающий льготу, в разделе «📋 Мои заявления». Срок: ${due}. Пока документ не проверен, ребёнок ждёт в общей очереди.`,
    );

    // Sent from the card: nothing is missing any more, so the button is gone.
    await p.tap('📎 Құжат жіберу');
    expect(p.last.text).toContain('«Жеңілдікті растайтын құжат» құжатын фото немесе PDF файл түрінде жіберіңіз');
    expect(lastText(await p.sendPhoto('proof-later-kk', PNG))).toBe(`✅ Құжат № ${app.number} өтінішке қосылды. Қызметкерлер оны тексереді.`);
    const after = lastText(await p.say(L.kk.my));
    expect(after).not.toContain('📎 Жіберу керек');
    expect(p.buttons()).toEqual(['🏫 Балабақшалар', '📞 Телефон', '🏷 Жеңілдік', '✖️ Қайтарып алу']);
    // Once the proof came the reminder has nothing to say.
    await database.db.delete(notifications).where(eq(notifications.id, reminder!.id));
    await database.db.transaction((tx) => priorityClaimJobs()[PROOF_REMINDER_JOB]!(tx, job!, job!.runAt));
    expect(await database.db.select().from(notifications).where(and(eq(notifications.applicationId, app.id), eq(notifications.kind, 'priority_proof_reminder')))).toHaveLength(0);

    // The right is dropped after submitting: the proof sent no longer counts, nothing is missing.
    await p.tap('🏷 Жеңілдік');
    expect(p.last.text).toContain(`Өтініш № ${app.number}. Қазіргі жеңілдік: Көп балалы отбасылардың балалары.`);
    expect(p.last.text).toContain('қызметкерлер құқықты қайта тексереді');
    const dropped = lastText(await p.tap('Жеңілдік жоқ'));
    expect(dropped).toContain(`✅ Өтініш № ${app.number}: жеңілдік өзгертілді.\nБолған: Көп балалы отбасылардың балалары\nҚазір: Жеңілдік жоқ`);
    expect(dropped).toMatch(/Кезектегі орны өзгерген жоқ: \d+\./);
    expect(p.replyKeyboard()).toContain('📋 Менің өтініштерім');
    const plain = lastText(await p.say(L.kk.my));
    expect(plain).not.toContain('Жеңілдік:');
    expect(p.buttons()).toEqual(['🏫 Балабақшалар', '📞 Телефон', '🏷 Жеңілдік', '✖️ Қайтарып алу']);
    expect(await auditActions(app.id)).toContainEqual({ action: 'application.priority_category_changed', from: 'large_family', to: 'none' });
    const [proof] = await database.db.select().from(documents).where(eq(documents.applicationId, app.id));
    expect(proof).toMatchObject({ kind: 'priority_proof', verification: 'rejected', verificationNote: 'category_changed' });
  });

  it('in Russian: the right is changed after submitting, then dropped; staff verify again and the move is explained', async () => {
    const { bot, tg } = harness;
    // Another family's child in the same queue (district, birth year, language), registered first.
    const neighbour = new FakeParent(bot, tg, { languageCode: 'ru' });
    await upToCategory(neighbour, 'ru', iinFor(yearsAgo(3, 13)), iinFor('1990-12-12'));
    await neighbour.tap(L.ru.none);
    await neighbour.say('Алматы, ул. Абая, 1');
    await neighbour.tap(L.ru.confirm);

    const p = new FakeParent(bot, tg, { languageCode: 'ru' });
    const childIin = iinFor(yearsAgo(3, 12));
    await upToCategory(p, 'ru', childIin, iinFor('1992-02-22'));
    const proofQuestion = lastText(await p.tap(L.ru.large));
    expect(proofQuestion).toContain('Если документа сейчас нет под рукой, нажмите «Пришлю позже»');
    await p.tap(L.ru.later);
    expect(lastText(await p.say('Алматы, ул. Сейфуллина, 5'))).toContain(': пришлю позже');
    expect(allText(await p.tap(L.ru.confirm))).toMatch(/Пришлите документ, подтверждающий льготу, в разделе «📋 Мои заявления»\. Срок: \d\d\.\d\d\.\d{4}\./);
    const app = await appOf(childIin);

    // Staff verified the right: the child is in the first-priority list, and the next place is a beneficiary's.
    await database.db.update(applications).set({ priorityProof: 'verified', queueCategory: 1 }).where(eq(applications.id, app.id));
    await database.db.update(queues).set({ phase: 3 }).where(eq(queues.id, app.queueId));
    const verified = lastText(await p.say(L.ru.my));
    expect(verified).toContain('Льгота: Дети из многодетных семей (Подтверждено)');
    expect(verified).toContain('Место в очереди: 1');
    expect(lastText(await neighbour.say(L.ru.my))).toContain('Место в очереди: 2');

    await p.tap('🏷 Льгота');
    const question = p.last.text;
    expect(question).toContain(`Заявление № ${app.number}. Сейчас льгота: Дети из многодетных семей.`);
    expect(question).toContain('сотрудники проверят право заново');
    expect(p.buttons()[0]).toBe('Льготы нет');
    expect(p.buttons()).not.toContain('7. Многодетная семья');
    for (const label of p.buttons()) expect(label.length, label).toBeLessThanOrEqual(28);

    const changed = lastText(await p.tap('6. Дети-сироты'));
    expect(changed).toContain(`✅ Заявление № ${app.number}: льгота изменена.\nБыло: Дети из многодетных семей\nСейчас: Дети-сироты`);
    expect(changed).toContain('Место в очереди: 1 → 2. Причина: пока льгота не проверена заново, ребёнок ждёт в общей очереди.');
    expect(changed).toMatch(/Пришлите подтверждающий документ\. Срок: \d\d\.\d\d\.\d{4}\./);
    expect(p.buttons()).toEqual(['📎 Прислать документ']);
    const moved = await appOf(childIin);
    expect(moved).toMatchObject({ priorityCategory: 'orphan', priorityProof: 'pending', queueCategory: 2 });
    const log = await database.db.select().from(positionChanges).where(eq(positionChanges.applicationId, app.id));
    expect(log.filter((r) => r.reason === 'category_changed').map((r) => [r.category, r.delta])).toEqual([
      [1, -1],
      [2, 1],
    ]);
    expect(await auditActions(app.id)).toContainEqual({ action: 'application.priority_category_changed', from: 'large_family', to: 'orphan' });

    // Explained at once, so the card does not report it again as news.
    expect(lastText(await p.say(L.ru.my))).not.toContain('🔔');
    // The family behind sees why it moved up.
    const behind = lastText(await neighbour.say(L.ru.my));
    expect(behind).toContain('🔔 С прошлого просмотра ваше место: 2 → 1');
    expect(behind).toContain('у ребёнка подтвердили, изменили или сняли льготу');
    await p.tap('🏷 Льгота');
    const dropped = lastText(await p.tap('Льготы нет'));
    expect(dropped).toContain('Было: Дети-сироты\nСейчас: Льготы нет');
    expect(dropped).toContain('Место в очереди не изменилось');
    const card = lastText(await p.say(L.ru.my));
    expect(card).not.toContain('Льгота:');
    expect(card).not.toContain('Нужно прислать');
    expect(p.buttons()).toEqual(['🏫 Детские сады', '📞 Телефон', '🏷 Льгота', '✖️ Отозвать']);
    expect((await appOf(childIin)).priorityProofDueAt).toBeNull();
    // A crafted tap for the same category changes nothing and says why.
    expect(lastText(await p.tapData(`app:cc:${app.id}:none`, p.last.messageId))).toBe('Эта льгота уже указана в заявлении.');
  });
});

describe('Back shows the answer given', () => {
  it('in Kazakh: the name comes back with what was typed and a button to keep it', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'kk' });
    await p.say('/apply');
    await p.tap(L.kk.consent);
    await p.tap(L.kk.parent);
    await p.say(iinFor(yearsAgo(2, 13)));
    await p.tap(L.kk.birthOk);
    await p.say(iinFor('1993-03-23'));
    await p.say('Әбенова Мөлдір Асанқызы');
    // The phone question has a reply keyboard: its Back is typed.
    const back = lastText(await p.say('◀️ Артқа'));
    expect(back).toBe(
      'Ата-ананың тегін, атын және әкесінің атын жазыңыз.\n\nҚазіргі жауап: Әбенова Мөлдір Асанқызы\nЖаңасын жазыңыз немесе «✅ Қалдыру» батырмасын басыңыз.',
    );
    expect(p.buttons()).toEqual(['✅ Қалдыру', '◀️ Артқа', '✖️ Тоқтату']);
    expect(lastText(await p.tap('✅ Қалдыру'))).toContain('Байланыс телефоны керек');
    await p.say('◀️ Артқа');
    // A new answer replaces the old one.
    await p.say('Әбенова Мөлдір');
    await p.say('◀️ Артқа');
    expect(p.last.text).toContain('Қазіргі жауап: Әбенова Мөлдір\n');
    await p.say('/cancel');
  });

  it('in Russian: the child\'s IIN comes back with the one given', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'ru' });
    const childIin = iinFor(yearsAgo(2, 14));
    await p.say('/apply');
    await p.tap(L.ru.consent);
    await p.tap(L.ru.parent);
    await p.say(childIin);
    await p.tap(L.ru.birthOk);
    const back = lastText(await p.tap('◀️ Назад'));
    expect(back).toBe(`Напишите ИИН ребёнка — 12 цифр. Дата рождения определится по ИИН.\n\nСейчас указано: ${childIin}\nНапишите новое или нажмите «✅ Оставить».`);
    expect(p.buttons()).toEqual(['✅ Оставить', '◀️ Назад', '✖️ Отменить']);
    expect(lastText(await p.tap('✅ Оставить'))).toBe('Напишите ИИН родителя (законного представителя) — 12 цифр.');
    await p.say('/cancel');
  });
});

describe('applying again after a withdrawal', () => {
  for (const lang of ['kk', 'ru'] as const) {
    it(`in ${lang === 'kk' ? 'Kazakh' : 'Russian'}: the withdrawn application's child name and certificate are offered, not asked`, async () => {
      const { bot, tg } = harness;
      const l = L[lang];
      const p = new FakeParent(bot, tg, { languageCode: lang });
      const childIin = iinFor(yearsAgo(4, 15));
      await upToCategory(p, lang, childIin, iinFor('1989-09-19'));
      await p.tap(l.none);
      await p.say('Алматы, Жібек жолы, 7');
      await p.tap(l.confirm);
      const app = await appOf(childIin);
      await p.say(l.my);
      await p.tap(lang === 'kk' ? '✖️ Қайтарып алу' : '✖️ Отозвать');
      await p.tap(lang === 'kk' ? 'Иә, қайтарып алу' : 'Да, отозвать');
      expect((await appOf(childIin)).status).toBe('withdrawn');

      await p.say('/apply');
      await p.tap(l.consent);
      await p.tap(l.parent);
      await p.say(childIin);
      const offer = lastText(await p.tap(l.birthOk));
      const name = lang === 'kk' ? 'Ахметов Ержан Серікұлы' : 'Ахметов Ержан Серикович';
      expect(offer).toBe(
        lang === 'kk'
          ? `Бұл бала бойынша бұрын өтініш берілген, ол қайтарып алынды. Баланың деректерін сол өтініштегідей қалдырайық па?\n\nБала: ${name}\nТуу туралы куәлік: I-АЖ 445566`
          : `На этого ребёнка уже подавали заявление, оно отозвано. Оставить данные ребёнка как в том заявлении?\n\nРебёнок: ${name}\nСвидетельство о рождении: I-АЖ 445566`,
      );
      expect(p.buttons()).toEqual(
        lang === 'kk' ? ['✅ Иә, осылай қалсын', '✏️ Жаңадан жазамын', '◀️ Артқа', '✖️ Тоқтату'] : ['✅ Да, оставить', '✏️ Ввести заново', '◀️ Назад', '✖️ Отменить'],
      );
      await p.tap(l.former);
      // The parent's details are offered next; after them, no question about the child's name or certificate.
      const reuse = lang === 'kk' ? '✅ Иә, осылай қалсын' : '✅ Да, оставить';
      await p.tap(reuse);
      const next = lastText(await p.tap(reuse));
      expect(next).toContain(lang === 'kk' ? 'кезектен тыс немесе бірінші кезекте орын алу құқығы бар ма' : 'вне очереди или в первую очередь');
      const asked = p.messages.map((m) => m.text);
      expect(asked.filter((t) => t === (lang === 'kk' ? 'Баланың тегін, атын және әкесінің атын жазыңыз.' : 'Напишите фамилию, имя и отчество ребёнка.'))).toHaveLength(1);
      const summary = lastText(await p.tap(l.none));
      expect(summary).toContain(name);
      expect(summary).toContain('I-АЖ 445566');
      expect(allText(await p.tap(l.confirm))).toContain(lang === 'kk' ? '✅ Өтініш кезекке қойылды' : '✅ Ребёнок поставлен в очередь');
      expect((await appOf(childIin)).id).not.toBe(app.id);
    });
  }
});
