/**
 * The application journey through grammY's own transport and a fake Telegram at the HTTP
 * level, in Kazakh and in Russian, asserting on the texts and buttons the parent sees.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import {
  applicants,
  applications,
  applicationTelegramLinks,
  botSessions,
  children,
  documents,
  kindergartens,
  notifications,
  representatives,
} from '../../db/schema/index.ts';
import { lastApplicantOf } from '../../core/parent-view.ts';
import { defaultPolicy } from '../../core/policy.ts';
import { openTestDatabase } from '../support/db.ts';
import { FakeParent, type ShownMessage } from '../support/fake-telegram.ts';
import { badChecksum, createBotPlaces, EXE, iinFor, makeBot, PNG, yearsAgo, type BotPlaces } from '../support/bot.ts';
import { client, createStaff, signIn, testServer } from '../support/admin.ts';

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

const texts = (ms: ShownMessage[]) => ms.map((m) => m.text);
const lastText = (ms: ShownMessage[]) => ms[ms.length - 1]?.text ?? '';
/** No message may show a raw i18n key: a missing translation would. */
function expectTranslated(p: FakeParent) {
  for (const m of p.messages) expect(m.text, m.text).not.toMatch(/\b(bot|errors|notifications|status|category)\.[a-zA-Z]/);
}

async function startInKazakh(p: FakeParent) {
  const greeting = await p.say('/start');
  expect(greeting[0]?.text).toContain('Сәлеметсіз бе!');
  expect(greeting[0]?.text).toContain('Здравствуйте!');
  expect(p.buttons()).toEqual(['Қазақша', 'Русский']);
  const chosen = await p.tap('Қазақша');
  expect(lastText(chosen)).toContain('Жақсы, енді қазақ тілінде сөйлесеміз.');
  expect(p.replyKeyboard()).toEqual(['📝 Өтініш беру', '📋 Менің өтініштерім', 'ℹ️ Анықтама', '🌐 Тілді ауыстыру']);
}

describe('applying in Kazakh', () => {
  it('goes from /start to the registration notice, with errors explained and the question asked again', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'kk' });
    await startInKazakh(p);

    expect(lastText(await p.say('📝 Өтініш беру'))).toContain('заңмен қорғалатын құпияны құрайтын дербес деректерді пайдалануға келісіміңіз қажет');
    expect(p.buttons()).toEqual(['✅ Келісемін', 'Келіспеймін']);
    expect(lastText(await p.tap('✅ Келісемін'))).toBe('Өтінішті кім береді?');
    expect(p.buttons()).toEqual(['Ата-ана немесе заңды өкіл', 'Сенімхат бойынша өкіл', '✖️ Тоқтату']);
    // The child's IIN comes first: a duplicate or an age over the limit is found before anything else is typed.
    expect(lastText(await p.tap('Ата-ана немесе заңды өкіл'))).toBe('Баланың ЖСН-ін жазыңыз — 12 цифр. Туған күні ЖСН бойынша анықталады.');
    expect(p.buttons()).toEqual(['◀️ Артқа', '✖️ Тоқтату']);

    // The child: a child aged 7 is refused, the birth date comes from the IIN and is confirmed.
    expect(texts(await p.say(iinFor(yearsAgo(7, 2))))[0]).toBe('Балаға 7 жас толған: кезекке 7 жасқа дейінгі балалар қойылады.');
    const birthDate = yearsAgo(3, 40);
    const childIin = iinFor(birthDate);
    const [y, m, d] = birthDate.split('-');
    expect(lastText(await p.say(childIin))).toBe(`ЖСН бойынша туған күні: ${d}.${m}.${y}. Дұрыс па?`);
    expect(p.buttons()).toEqual(['✅ Иә, дұрыс', '✏️ ЖСН-ді қайта жазу', '◀️ Артқа', '✖️ Тоқтату']);
    expect(lastText(await p.tap('✅ Иә, дұрыс'))).toBe('Ата-ананың (заңды өкілдің) ЖСН-ін жазыңыз — 12 цифр.');

    // Invalid IINs: a short explanation, then the same question.
    const parentIin = iinFor('1990-04-12');
    expect(texts(await p.say('1234 5678'))).toEqual(['ЖСН — 12 цифр.', 'Ата-ананың (заңды өкілдің) ЖСН-ін жазыңыз — 12 цифр.']);
    expect(texts(await p.say(badChecksum(parentIin)))).toEqual([
      'ЖСН бақылау цифрынан өтпеді. Цифрларды тексеріңіз.',
      'Ата-ананың (заңды өкілдің) ЖСН-ін жазыңыз — 12 цифр.',
    ]);
    expect(texts(await p.say(`${parentIin.slice(0, 6)}9${parentIin.slice(7)}`))[0]).toContain('жетінші цифры');
    expect(lastText(await p.say(parentIin))).toBe('Ата-ананың тегін, атын және әкесінің атын жазыңыз.');
    expect(texts(await p.say('Әсел 2'))[0]).toBe('Аты-жөнін әріптермен жазыңыз, цифрларсыз.');
    // Each error says what is wrong with this text: markup and emoji have no digits to remove.
    expect(texts(await p.say('<b>Әсел</b> Нұрланқызы'))).toEqual([
      'Аты-жөнінде тек әріптер, бос орын, дефис және апостроф болады. Мыналарды алып тастаңыз: < > /',
      'Ата-ананың тегін, атын және әкесінің атын жазыңыз.',
    ]);
    expect(texts(await p.say('Әсел 👩‍👧 Нұрланқызы'))[0]).toBe('Аты-жөнінде тек әріптер, бос орын, дефис және апостроф болады. Мыналарды алып тастаңыз: 👩‍👧');
    expect(texts(await p.say('\u200b \u3164'))[0]).toBe('Хабар бос. Жауапты мәтінмен жазыңыз.');
    expect(texts(await p.say('Ә'))[0]).toBe('Тым қысқа: кемінде 3 таңба керек, қазір — 1.');
    expect(texts(await p.say('-Әсел'))[0]).toBe('Аты-жөні әріптен басталуы керек.');
    expect(lastText(await p.say('Сейітқалиева Әсел Нұрланқызы'))).toContain('Байланыс телефоны керек');
    expect(p.replyKeyboard()).toEqual(['📱 Нөмірді жіберу', '◀️ Артқа', '✖️ Тоқтату']);

    const afterContact = await p.shareContact('+7 701 234 56 78');
    expect(texts(afterContact)).toEqual(['Телефон: +77012345678 ✅', 'Баланың тегін, атын және әкесінің атын жазыңыз.']);
    expect(p.replyKeyboard()).toContain('📝 Өтініш беру');
    expect(lastText(await p.say('Сейітқали Айсұлу Ерланқызы'))).toBe('Баланың туу туралы куәлігінің нөмірін жазыңыз.');
    expect(lastText(await p.say('I-АЖ 123456'))).toContain('Қай ауданнан балабақша іздейсіз?');

    // Districts: typing filters the list.
    expect(p.buttons()).toContain('✖️ Тоқтату');
    await p.say(places.tag);
    expect(p.buttons()).toEqual([expect.stringContaining(places.districtKk), '🔎 Барлығын көрсету', '◀️ Артқа', '✖️ Тоқтату']);
    expect(lastText(await p.tap(new RegExp(places.districtKk)))).toBe('Балабақшадағы оқыту тілі:');
    await p.tap('қазақ тілі');
    expect(p.last.text).toContain('Балабақшаларды қалауыңыз бойынша ретімен таңдаңыз (ең көбі 3)');
    // № 14 teaches in Russian only, so it is not offered for Kazakh.
    expect(p.buttons()).toEqual([
      '№ 11 "Балапан" балабақшасы',
      '№ 12 "Айгөлек" балабақшасы',
      '№ 13 "Ақбота" балабақшасы',
      '◀️ Артқа',
      '✖️ Тоқтату',
    ]);
    await p.tap('№ 12 "Айгөлек" балабақшасы');
    expect(p.last.text).toContain('Таңдалғандар:\n1) № 12 "Айгөлек" балабақшасы');
    await p.tap('№ 11 "Балапан" балабақшасы');
    expect(p.buttons()).toEqual(['№ 13 "Ақбота" балабақшасы', '✅ Дайын', '↩️ Қайта таңдау', '◀️ Артқа', '✖️ Тоқтату']);
    const rights = lastText(await p.tap('✅ Дайын'));
    expect(rights).toContain('кезектен тыс немесе бірінші кезекте орын алу құқығы бар ма');
    expect(rights).toContain('\n3. Қызмет кезінде қаза тапқан немесе хабарсыз кеткендердің балалары\n');
    expect(rights).toContain('\n8. Соғыс қатысушылары мен оларға теңестірілген адамдардың балалары\n');
    expect(p.buttons()[0]).toBe('Жеңілдік жоқ');
    // Telegram cuts a button's text beyond about 28 characters: every label fits.
    expect(p.buttons()).toContain('3. Қызметте қаза тапқандар');
    expect(p.buttons()).toHaveLength(12);
    for (const label of p.buttons()) expect(label.length, label).toBeLessThanOrEqual(28);
    expect(lastText(await p.tap('Жеңілдік жоқ'))).toBe('Тұрғылықты мекенжайыңызды жазыңыз: қала, көше, үй, пәтер.');
    expect(texts(await p.say('Абай'))[0]).toBe('Тым қысқа: кемінде 5 таңба керек, қазір — 4.');

    const summary = lastText(await p.say('Алматы, Абай даңғылы, 10, 5'));
    expect(summary).toContain('📋 Өтінішті тексеріңіз:');
    expect(summary).toContain(`Ата-ана: Сейітқалиева Әсел Нұрланқызы, ЖСН ${parentIin}`);
    expect(summary).toContain('Телефон: +77012345678 (Telegram арқылы расталды)');
    expect(summary).toContain(`Бала: Сейітқали Айсұлу Ерланқызы, ЖСН ${childIin}, туған күні ${d}.${m}.${y}`);
    expect(summary).toContain('Балабақшалар: 1) № 12 "Айгөлек" балабақшасы; 2) № 11 "Балапан" балабақшасы');
    expect(summary).toContain('Жеңілдік: Жеңілдік жоқ');
    expect(p.buttons()).toContain('✏️ Мекенжай');
    expect(p.buttons()).toContain('✅ Растау және жіберу');

    // Edit one field from the summary, and come back to it.
    // The answer given is shown, with a button to keep it.
    expect(lastText(await p.tap('✏️ Мекенжай'))).toBe(
      'Тұрғылықты мекенжайыңызды жазыңыз: қала, көше, үй, пәтер.\n\nҚазіргі жауап: Алматы, Абай даңғылы, 10, 5\nЖаңасын жазыңыз немесе «✅ Қалдыру» батырмасын басыңыз.',
    );
    expect(p.buttons()).toEqual(['✅ Қалдыру', '◀️ Артқа', '✖️ Тоқтату']);
    expect(lastText(await p.say('Алматы, Сейфуллин көшесі, 500, 12'))).toContain('Мекенжай: Алматы, Сейфуллин көшесі, 500, 12');

    const result = await p.tap('✅ Растау және жіберу');
    const notice = result[0]!.text;
    expect(notice).toContain('✅ Өтініш кезекке қойылды');
    expect(notice).toContain('Өтініш беруші: Сейітқалиева Әсел Нұрланқызы');
    expect(notice).toContain('Бала: Сейітқали Айсұлу Ерланқызы');
    expect(notice).toMatch(/Кезектілік нөмірі: 1\n/);
    expect(notice).toMatch(/Өтініш нөмірі: \d{4}-\d{7}/);
    expect(notice).toContain('Кезектегі орны: 1');
    // The rating comes with the first result, not with the registration (bot/views/notification.ts).
    expect(result).toHaveLength(1);
    expect(p.buttons()).not.toContain('⭐ Қызметті бағалау');
    expectTranslated(p);

    const [stored] = await database.db
      .select({ app: applications, applicant: applicants })
      .from(applications)
      .innerJoin(children, eq(children.id, applications.childId))
      .innerJoin(applicants, eq(applicants.id, applications.applicantId))
      .where(eq(children.iin, childIin));
    expect(stored?.app).toMatchObject({ status: 'registered', channel: 'bot', language: 'kk', queueNumber: 1 });
    expect(stored?.app.kindergartenIds).toEqual([places.kindergartens[1]!.id, places.kindergartens[0]!.id]);
    expect(stored?.applicant).toMatchObject({ telegramUserId: p.id, language: 'kk', address: 'Алматы, Сейфуллин көшесі, 500, 12', phones: ['+77012345678'] });
    expect(stored?.applicant.phoneVerifiedAt).not.toBeNull();
    expect(stored?.applicant.consentAt).not.toBeNull();
    const links = await database.db.select().from(applicationTelegramLinks).where(eq(applicationTelegramLinks.applicationId, stored!.app.id));
    expect(links).toMatchObject([{ telegramUserId: p.id, source: 'submitted' }]);
    // The notice above was the registration notification: the outbox does not send it again.
    const outbox = await database.db.select().from(notifications).where(eq(notifications.applicationId, stored!.app.id));
    expect(outbox).toMatchObject([{ kind: 'status_register', status: 'sent' }]);

    // The conversation is over: a stray text gets the menu pointer.
    expect(lastText(await p.say('сәлем'))).toBe('Түсінбедім. Төмендегі мәзірден таңдаңыз немесе /help жазыңыз.');
  });

  it('refusing consent ends politely and stores nothing; Cancel works mid-way and stores nothing', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'kk' });
    await startInKazakh(p);
    await p.say('/apply');
    const refused = await p.tap('Келіспеймін');
    expect(lastText(refused)).toContain('Келісімсіз өтінішті қабылдай алмаймыз. Ешқандай дерек сақталған жоқ.');

    // Nothing answered yet: Cancel stops at once.
    await p.say('/apply');
    await p.tap('✅ Келісемін');
    const cancelled = await p.tap('✖️ Тоқтату');
    expect(lastText(cancelled)).toBe('Өтініш беру тоқтатылды. Енгізілген деректер сақталмады.');
    expect(p.replyKeyboard()).toContain('📝 Өтініш беру');
  });

  it('Back returns to the previous question with the earlier answers kept', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'kk' });
    await startInKazakh(p);
    await p.say('/apply');
    await p.tap('✅ Келісемін');
    await p.tap('Ата-ана немесе заңды өкіл');
    const childIin = iinFor(yearsAgo(3));
    await p.say(childIin);
    await p.tap('✅ Иә, дұрыс');
    expect(lastText(await p.tap('◀️ Артқа'))).toBe(
      `Баланың ЖСН-ін жазыңыз — 12 цифр. Туған күні ЖСН бойынша анықталады.\n\nҚазіргі жауап: ${childIin}\nЖаңасын жазыңыз немесе «✅ Қалдыру» батырмасын басыңыз.`,
    );
    expect(lastText(await p.tap('◀️ Артқа'))).toBe('Өтінішті кім береді?');
    // A button of an older question is refused without breaking the current one.
    const stale = p.messages.find((m) => m.text.startsWith('Баланың ЖСН-ін'))!;
    await p.tapData('nav:back', stale.messageId);
    expect(tg.callsOf('answerCallbackQuery').at(-1)?.payload.text).toBe('Бұл батырма ескірген. Соңғы хабарға жауап беріңіз.');
    expect(lastText(await p.tap('Сенімхат бойынша өкіл'))).toBe('Өзіңіздің (өкілдің) ЖСН-іңізді жазыңыз — 12 цифр.');
    await p.say('/cancel');
  });
});

describe('a command or menu press in the middle of an application', () => {
  const RESUME_KK = '📝 Өтініш толтыру жалғасады: төмендегі сұраққа жауап беріңіз. Тоқтату үшін «✖️ Тоқтату» батырмасын басыңыз.';
  const RESUME_RU = '📝 Заполнение заявления продолжается: ответьте на вопрос ниже. Чтобы отменить подачу, нажмите «✖️ Отменить».';

  it('in Kazakh: answers /help, /start and the language button, then asks the pending question again, in Russian once chosen', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'kk' });
    await startWithChild(p, iinFor(yearsAgo(2, 5)));
    await p.say(iinFor('1990-01-15'));
    expect(p.last.text).toBe('Ата-ананың тегін, атын және әкесінің атын жазыңыз.');

    const help = texts(await p.say('/help'));
    expect(help[0]).toContain('Мен не істей аламын:');
    // The promised time is the policy's, not a number written into the text.
    expect(help[0]).toContain(`нәтижесі ең көбі ${defaultPolicy.resultDeadlineMinutes} минут ішінде`);
    expect(help.slice(1)).toEqual([RESUME_KK, 'Ата-ананың тегін, атын және әкесінің атын жазыңыз.']);
    expect(p.buttons()).toEqual(['◀️ Артқа', '✖️ Тоқтату']);

    const start = texts(await p.say('/start'));
    expect(start[0]).toContain('Сәлеметсіз бе!');
    expect(start.slice(1)).toEqual([RESUME_KK, 'Ата-ананың тегін, атын және әкесінің атын жазыңыз.']);

    const menu = texts(await p.say('🌐 Тілді ауыстыру'));
    expect(menu).toEqual(['Тілді таңдаңыз / Выберите язык:', RESUME_KK, 'Ата-ананың тегін, атын және әкесінің атын жазыңыз.']);
    const languageMessage = p.messages.findLast((m) => m.text === 'Тілді таңдаңыз / Выберите язык:')!;
    // The language is changed, the application is not dropped, and its question comes in Russian.
    const switched = texts(await p.tap('Русский', { messageId: languageMessage.messageId }));
    expect(switched).toEqual(['Хорошо, теперь общаемся на русском.', RESUME_RU, 'Напишите фамилию, имя и отчество родителя.']);
    expect(p.buttons()).toEqual(['◀️ Назад', '✖️ Отменить']);
    expect(p.replyKeyboard()).toEqual(['📝 Подать заявление', '📋 Мои заявления', 'ℹ️ Справка', '🌐 Сменить язык']);

    // The answers before are kept: the next answer goes on from where it was.
    expect(lastText(await p.say('Сейітова Мадина Қайратқызы'))).toContain('Нужен контактный телефон');
    await p.say('/cancel');
  });

  it('in Russian: the menu and "apply" again answer and come back to the list being chosen, in Russian', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'ru' });
    await p.say('/apply');
    await p.tap('✅ Даю согласие');
    await p.tap('Родитель или опекун');
    await p.say(iinFor(yearsAgo(3, 5)));
    await p.tap('✅ Да, верно');
    await p.say(iinFor('1989-02-16'));
    await p.say('Ахметова Дана Маратовна');
    // The contact keyboard replaces the menu; after an aside it comes back with the question.
    const my = texts(await p.say('📋 Мои заявления'));
    expect(my[0]).toContain('На этом аккаунте Telegram нет заявлений.');
    expect(my.slice(1)).toEqual([RESUME_RU, expect.stringContaining('Нужен контактный телефон')]);
    expect(p.replyKeyboard()).toEqual(['📱 Отправить номер', '◀️ Назад', '✖️ Отменить']);
    await p.say('+7 707 765 43 21');
    await p.say('Ахметов Тимур Русланович');
    await p.say('II-ЖК 654321');
    expect(p.last.text).toContain('В каком районе ищете детский сад?');

    const again = texts(await p.say('📝 Подать заявление'));
    expect(again).toEqual(['Заявление уже заполняется. Чтобы начать сначала, нажмите «🔄 Начать заново».', RESUME_RU, expect.stringContaining('В каком районе ищете детский сад?')]);
    await p.say(places.tag);
    await p.tap(new RegExp(places.districtRu));
    expect(p.last.text).toBe('Язык обучения в детском саду:');
    await p.say('/cancel');
  });
});

describe('stopping an application that has answers', () => {
  const sessionOf = async (p: FakeParent) => (await database.db.select().from(botSessions).where(eq(botSessions.key, String(p.id))))[0]?.value;

  it('in Kazakh: asks first, "no" asks the question again, "yes" keeps the answers and /apply goes on from there', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'kk' });
    const childIin = iinFor(yearsAgo(2, 70));
    const parentIin = iinFor('1987-07-07');
    await startWithChild(p, childIin);
    await p.say(parentIin);
    await p.say('Сейітова Мадина Қайратқызы');
    expect(p.last.text).toContain('Байланыс телефоны керек');

    // The reply keyboard's Cancel, on the phone question.
    const question = 'Өтініш беруді тоқтатасыз ба? Жауаптарыңыз 72 сағат сақталады: «📝 Өтініш беру» батырмасын басып, тоқтаған жерден жалғастыра аласыз.';
    expect(lastText(await p.say('✖️ Тоқтату'))).toBe(question);
    expect(p.buttons()).toEqual(['✖️ Иә, тоқтату', '↩️ Жоқ, жалғастыру']);
    expect(lastText(await p.tap('↩️ Жоқ, жалғастыру'))).toContain('Байланыс телефоны керек');
    expect(p.replyKeyboard()).toEqual(['📱 Нөмірді жіберу', '◀️ Артқа', '✖️ Тоқтату']);

    expect(lastText(await p.say('/cancel'))).toBe(question);
    const stopped = await p.tap('✖️ Иә, тоқтату');
    expect(lastText(stopped)).toBe('Өтініш беру тоқтатылды. Жауаптарыңыз 72 сағат сақталады: жалғастыру үшін «📝 Өтініш беру» батырмасын басыңыз.');
    expect(p.replyKeyboard()).toEqual(['📝 Өтініш беру', '📋 Менің өтініштерім', 'ℹ️ Анықтама', '🌐 Тілді ауыстыру']);
    // Kept in the session only: no applicant, no application.
    expect(await database.db.select().from(applicants).where(eq(applicants.iin, parentIin))).toEqual([]);
    expect(await sessionOf(p)).toMatchObject({ stoppedApplication: { draft: { childIin, parentIin, parentName: 'Сейітова Мадина Қайратқызы' } } });
    expect(lastText(await p.say('сәлем'))).toBe('Түсінбедім. Төмендегі мәзірден таңдаңыз немесе /help жазыңыз.');

    const found = lastText(await p.say('📝 Өтініш беру'));
    expect(found).toMatch(/^Өтініш беру тоқтатылған \(\d\d\.\d\d\.\d{4}\)\. Тоқтаған жерден жалғастырайық па\?\nБаланың ЖСН-і: ••••••••\d{4}$/);
    expect(p.buttons()).toEqual(['▶️ Жалғастыру', '🔄 Басынан бастау', '✖️ Тоқтату']);
    expect(lastText(await p.tap('▶️ Жалғастыру'))).toContain('Байланыс телефоны керек');
    // Back (on the phone's reply keyboard) goes to the answers given before the stop.
    expect(lastText(await p.say('◀️ Артқа'))).toBe(
      'Ата-ананың тегін, атын және әкесінің атын жазыңыз.\n\nҚазіргі жауап: Сейітова Мадина Қайратқызы\nЖаңасын жазыңыз немесе «✅ Қалдыру» батырмасын басыңыз.',
    );
    await p.say('Сейітова Мадина Қайратқызы');
    await p.say('+7 701 000 11 22');
    const summary = lastText(await fillChildAndPlace(p, { name: 'Сейітова Аружан Ерланқызы', kindergarten: '№ 11 "Балапан" балабақшасы' }));
    expect(summary).toBe('Тұрғылықты мекенжайыңызды жазыңыз: қала, көше, үй, пәтер.');
    await p.say('Алматы, Абай даңғылы, 1');
    const result = await p.tap('✅ Растау және жіберу');
    expect(result[0]?.text).toContain('✅ Өтініш кезекке қойылды');
    expect((await applicationOf(childIin)).status).toBe('registered');
    expect(await sessionOf(p)).not.toHaveProperty('stoppedApplication');
    expectTranslated(p);
  });

  it('in Russian: Cancel on a list, "start over" drops the kept answers, and answers older than the keep time are dropped unseen', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'ru' });
    await p.say('/apply');
    await p.tap('✅ Даю согласие');
    await p.tap('Родитель или опекун');
    await p.say(iinFor(yearsAgo(1, 70)));
    await p.tap('✅ Да, верно');
    await p.say(iinFor('1986-06-16'));
    await p.say('Омарова Алия Бекқызы');
    await p.say('+7 701 555 44 33');
    await p.say('Омаров Ерлан Асанович');
    await p.say('III-ЖК 111222');
    expect(p.last.text).toContain('В каком районе ищете детский сад?');
    expect(lastText(await p.tap('✖️ Отменить'))).toBe('Отменить подачу заявления? Ответы сохранятся на 72 ч.: нажмите «📝 Подать заявление», чтобы продолжить с того же места.');
    expect(p.buttons()).toEqual(['✖️ Да, отменить', '↩️ Нет, продолжить']);
    expect(lastText(await p.tap('↩️ Нет, продолжить'))).toContain('В каком районе ищете детский сад?');
    await p.say(places.tag);
    await p.tap(new RegExp(places.districtRu));
    await p.tap('✖️ Отменить');
    expect(lastText(await p.tap('✖️ Да, отменить'))).toBe('Подача заявления отменена. Ответы сохранятся на 72 ч.: чтобы продолжить, нажмите «📝 Подать заявление».');

    expect(lastText(await p.say('📝 Подать заявление'))).toMatch(/^Подача заявления была отменена \(.+\)\. Продолжить с того же места\?\nИИН ребёнка: ••••••••\d{4}$/);
    expect(p.buttons()).toEqual(['▶️ Продолжить', '🔄 Начать заново', '✖️ Отменить']);
    expect(lastText(await p.tap('🔄 Начать заново'))).toContain('Для подачи заявления нужно ваше согласие');
    expect(await sessionOf(p)).not.toHaveProperty('stoppedApplication');
    await p.tap('✅ Даю согласие');
    await p.tap('Родитель или опекун');
    await p.say(iinFor(yearsAgo(1, 71)));
    await p.tap('✅ Да, верно');
    await p.say('/cancel');
    expect(lastText(await p.tap('✖️ Да, отменить'))).toContain('Ответы сохранятся на 72 ч.');

    // Past the keep time (72 hours by default) the answers are dropped: /apply starts afresh.
    const value = (await sessionOf(p)) as { stoppedApplication: { stoppedAt: string } };
    value.stoppedApplication.stoppedAt = new Date(Date.now() - 73 * 3_600_000).toISOString();
    await database.db.update(botSessions).set({ value }).where(eq(botSessions.key, String(p.id)));
    expect(lastText(await p.say('/apply'))).toContain('Для подачи заявления нужно ваше согласие');
    expect(await sessionOf(p)).not.toHaveProperty('stoppedApplication');
  });
});

describe('applying in Russian', () => {
  it('a representative by power of attorney with a priority right: a wrong file type is refused, a photo accepted', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'ru' });
    await p.say('/start');
    expect(lastText(await p.tap('Русский'))).toContain('Хорошо, теперь общаемся на русском.');
    expect(p.replyKeyboard()).toEqual(['📝 Подать заявление', '📋 Мои заявления', 'ℹ️ Справка', '🌐 Сменить язык']);
    expect(lastText(await p.say('📝 Подать заявление'))).toContain('Для подачи заявления нужно ваше согласие');
    await p.tap('✅ Даю согласие');
    expect(lastText(await p.tap('Представитель (доверенность)'))).toBe('Напишите ИИН ребёнка — 12 цифр. Дата рождения определится по ИИН.');
    const childIin = iinFor(yearsAgo(2, 20), 'male');
    expect(lastText(await p.say(childIin))).toMatch(/^Дата рождения по ИИН: \d\d\.\d\d\.\d{4}\. Верно\?$/);
    expect(lastText(await p.tap('✅ Да, верно'))).toBe('Напишите ваш ИИН (представителя) — 12 цифр.');
    const repIin = iinFor('1985-02-03', 'male');
    expect(lastText(await p.say(repIin))).toBe('Напишите ваши фамилию, имя и отчество.');
    expect(lastText(await p.say('Иванов Иван Иванович'))).toBe('Напишите номер доверенности.');
    expect(lastText(await p.say('12-34/2025'))).toBe('Напишите дату выдачи доверенности, например: 15.01.2025.');
    expect(texts(await p.say('31.02.2024'))[0]).toBe('Такой даты нет: 31.02.2024. Проверьте день и месяц.');
    expect(texts(await p.say('пятнадцатое января две тысячи двадцать пятого года'))[0]).toBe(
      'Напишите дату цифрами, а не словами: ДД.ММ.ГГГГ, например: 15.01.2025.',
    );
    expect(texts(await p.say('15.01'))[0]).toBe('Напишите дату в виде ДД.ММ.ГГГГ, например: 15.01.2025.');
    expect(texts(await p.say('\u2060'))[0]).toBe('Сообщение пустое. Напишите ответ текстом.');
    expect(texts(await p.say('01.01.2099'))[0]).toBe('Дата не может быть в будущем.');
    expect(lastText(await p.say('15.01.2025'))).toContain('Кем выдана доверенность?');
    expect(texts(await p.say('Н'))[0]).toBe('Слишком коротко: минимум символов — 3, сейчас — 1.');
    expect(texts(await p.say('Нотариус '.repeat(40)))[0]).toBe('Слишком длинно: максимум символов — 300, сейчас — 359. Напишите короче.');
    expect(lastText(await p.say('Нотариус Ахметова А. А.'))).toBe('Напишите ИИН родителя (законного представителя) — 12 цифр.');
    const parentIin = iinFor('1991-05-06');
    await p.say(parentIin);
    expect(lastText(await p.say('Ахметова Дана Маратовна'))).toContain('Нужен контактный телефон');
    expect(texts(await p.say('12345'))[0]).toBe('Нужен казахстанский мобильный номер: +7 и 10 цифр, например +7 707 123 45 67.');
    // A digit missing is asked again, not "corrected".
    expect(texts(await p.say('+7 707 123 45 6'))[0]).toBe('Нужен казахстанский мобильный номер: +7 и 10 цифр, например +7 707 123 45 67.');
    expect(texts(await p.say('8 (707) 123-45-67'))).toEqual(['Телефон: +77071234567 ✅', 'Напишите фамилию, имя и отчество ребёнка.']);
    await p.say('Ахметов Тимур Русланович');
    await p.say('II-ЖК 654321');
    await p.say(places.tag);
    await p.tap(new RegExp(places.districtRu));
    await p.tap('русский язык');
    expect(p.buttons()).toContain('Детский сад № 14 "Теремок"');
    await p.say('Теремок');
    expect(p.buttons()).toEqual(['Детский сад № 14 "Теремок"', '🔎 Показать все', '◀️ Назад', '✖️ Отменить']);
    await p.tap('Детский сад № 14 "Теремок"');
    await p.tap('🔎 Показать все');
    await p.tap('Детский сад № 11 "Балапан"');
    // The third choice reaches the policy's maximum and ends the choice.
    // The official names are in the text, numbered; the buttons carry short labels that fit.
    expect(lastText(await p.tap('Детский сад № 13 "Ақбота"'))).toBe(
      [
        'Есть ли у ребёнка право на место вне очереди или в первую очередь? Если есть, выберите категорию.',
        '',
        '1. Дети военнослужащих',
        '2. Дети сотрудников специальных государственных органов',
        '3. Дети погибших или пропавших без вести при исполнении службы',
        '4. Дети лиц с инвалидностью',
        '5. Дети, оставшиеся без попечения родителей',
        '6. Дети-сироты',
        '7. Дети из многодетных семей',
        '8. Дети участников войны и приравненных к ним лиц',
        '9. Дети с особыми образовательными потребностями',
      ].join('\n'),
    );
    expect(p.buttons()).toEqual([
      'Льготы нет',
      '1. Военнослужащие',
      '2. Специальные госорганы',
      '3. Погибшие на службе',
      '4. Родитель с инвалидностью',
      '5. Без попечения родителей',
      '6. Дети-сироты',
      '7. Многодетная семья',
      '8. Участники войны',
      '9. Особые потребности',
      '◀️ Назад',
      '✖️ Отменить',
    ]);
    expect(lastText(await p.tap('7. Многодетная семья'))).toBe(
      'Пришлите документ, подтверждающий право, фотографией или PDF-файлом (не больше 10 МБ).\n\n' +
        'Если документа сейчас нет под рукой, нажмите «Пришлю позже»: заявление зарегистрируем с льготой, а документ вы пришлёте в течение 10 дн. в разделе «📋 Мои заявления». Пока документ не проверен, ребёнок ждёт в общей очереди.',
    );
    expect(p.buttons()).toEqual(['⏳ Пришлю позже', '◀️ Назад', '✖️ Отменить']);
    // A program renamed to look like a PDF: refused by its first bytes, asked again.
    const refused = texts(await p.sendDocument('exe-1', EXE, 'справка.pdf', 'application/pdf'));
    expect(refused[0]).toBe('Этот тип файла не принимается: пришлите фото (JPEG, PNG) или PDF.');
    expect(refused[1]).toMatch(/^Пришлите документ, подтверждающий право, фотографией или PDF-файлом \(не больше 10 МБ\)\.\n\nЕсли документа/);
    expect(refused).toHaveLength(2);
    expect(texts(await p.say('вот справка'))[0]).toBe('Пришлите документ фотографией или PDF-файлом (не больше 10 МБ).');
    expect(texts(await p.sendPhoto('photo-1', PNG))).toEqual(['Документ принят ✅', 'Напишите адрес проживания: город, улица, дом, квартира.']);
    const summary = lastText(await p.say('Алматы, ул. Толе би, 100'));
    expect(summary).toContain('Заявитель: Представитель (доверенность)');
    expect(summary).toContain(`Представитель: Иванов Иван Иванович, ИИН ${repIin}`);
    expect(summary).toContain('Доверенность: № 12-34/2025, 15.01.2025, Нотариус Ахметова А. А.');
    expect(summary).toContain('Детские сады: 1) Детский сад № 14 "Теремок"; 2) Детский сад № 11 "Балапан"; 3) Детский сад № 13 "Ақбота"');
    expect(summary).toContain('Льгота: Дети из многодетных семей');
    expect(summary).toContain('Подтверждающий документ: приложен');
    const result = await p.tap('✅ Подтвердить и отправить');
    expect(result[0]!.text).toContain('✅ Ребёнок поставлен в очередь');
    expect(result).toHaveLength(1);
    expect(p.buttons()).not.toContain('⭐ Оценить услугу');
    expect(result[0]!.text).toContain('Заявитель: Ахметова Дана Маратовна');
    expect(result[0]!.text).toContain('Место в очереди: 1');
    expectTranslated(p);

    const [app] = await database.db
      .select({ app: applications })
      .from(applications)
      .innerJoin(children, eq(children.id, applications.childId))
      .where(eq(children.iin, childIin));
    expect(app?.app).toMatchObject({ priorityCategory: 'large_family', priorityProof: 'pending', language: 'ru' });
    const [rep] = await database.db.select().from(representatives).where(eq(representatives.id, app!.app.representativeId!));
    expect(rep).toMatchObject({ iin: repIin, telegramUserId: p.id, poaNumber: '12-34/2025', poaDate: '2025-01-15' });
    const [applicant] = await database.db.select().from(applicants).where(eq(applicants.iin, parentIin));
    // The representative's account does not become the parent's own account, nor is it offered
    // the parent's details when it applies again.
    expect(applicant?.telegramUserId).toBeNull();
    expect(await lastApplicantOf(database.db, p.id)).toBeNull();
    const docs = await database.db.select().from(documents).where(and(eq(documents.applicationId, app!.app.id)));
    expect(docs).toMatchObject([{ kind: 'priority_proof', mimeType: 'image/png', size: PNG.byteLength, verification: 'pending' }]);
    expect(docs[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);

    // The representative sees it; the missing power of attorney scan is asked for.
    const card = lastText(await p.say('/my'));
    expect(card).toContain('Статус: В очереди');
    expect(card).toContain('📎 Нужно прислать: Доверенность');
    expect(card).not.toContain(childIin);
  });
});

describe('the one-application-per-child rule', () => {
  it('shows the existing application to its own parent; anyone else learns only that there is one and where to ask', async () => {
    const { bot, tg } = harness;
    const birthDate = yearsAgo(4, 10);
    const childIin = iinFor(birthDate);
    const first = new FakeParent(bot, tg, { languageCode: 'kk' });
    await applyFirst(first, iinFor('1987-03-03'), childIin);
    const [app] = await database.db
      .select({ number: applications.number, registeredAt: applications.registeredAt })
      .from(applications)
      .innerJoin(children, eq(children.id, applications.childId))
      .where(eq(children.iin, childIin));
    const [y, m, d] = app!.registeredAt.toISOString().slice(0, 10).split('-');

    const stranger = new FakeParent(bot, tg, { languageCode: 'kk' });
    await stranger.say('/apply');
    await stranger.tap('✅ Келісемін');
    await stranger.tap('Ата-ана немесе заңды өкіл');
    // Found at the second question, before the stranger types anything about themselves.
    const shown = lastText(await stranger.say(childIin));
    expect(shown).toBe(
      'Бұл балаға өтініш бұрыннан бар: бір балаға бір ғана өтініш беріледі.\n\nСұрағыңыз болса, білім бөліміне немесе 1414 бірыңғай байланыс орталығына хабарласыңыз.',
    );
    // Nothing of the application: no number, no date, no status.
    expect(shown).not.toContain(app!.number);
    expect(shown).not.toContain(`${d}.${m}.${y}`);
    expect(shown).not.toContain('Кезекте');
    expect(lastText(await stranger.say('Айсұлу'))).toBe('Түсінбедім. Төмендегі мәзірден таңдаңыз немесе /help жазыңыз.');

    await first.say('/apply');
    await first.tap('✅ Келісемін');
    await first.tap('Ата-ана немесе заңды өкіл');
    const own = lastText(await first.say(childIin));
    expect(own).toContain(`Бұл балаға белсенді өтініш бұрыннан бар:\n№ ${app!.number}`);
    expect(own).toContain('Мәртебесі: Кезекте');
    expect(own).toContain('Оны «📋 Менің өтініштерім» бөлімінен көре аласыз.');
  });
});

describe('a typed IIN is a claim', () => {
  it("another account typing a parent's IIN changes nothing of that parent's record, applications or bot; staff see the discrepancy", async () => {
    const { bot, tg } = harness;
    const parentIin = iinFor('1989-09-09');
    // Y applies for their child.
    const y = new FakeParent(bot, tg, { languageCode: 'kk' });
    const yChild = iinFor(yearsAgo(4, 50));
    await applyFirst(y, parentIin, yChild);
    const yApp = await applicationOf(yChild);
    const [yRecordBefore] = await database.db.select().from(applicants).where(eq(applicants.id, yApp.applicantId));
    const yCardsBefore = texts(await y.say('/my')).join('\n');

    // X types Y's IIN with X's own name, phone and address, for another child.
    const x = new FakeParent(bot, tg, { languageCode: 'kk' });
    const xChild = iinFor(yearsAgo(3, 20));
    await startWithChild(x, xChild);
    await fillParent(x, parentIin, { name: 'Басқаев Ерлан Серікұлы', phone: '+7 705 111 22 33' });
    await fillChildAndPlace(x, { name: 'Басқаев Дамир Ерланұлы', kindergarten: '№ 11 "Балапан" балабақшасы' });
    await x.say('Шымкент, Байтұрсынов көшесі, 7');
    expect((await x.tap('✅ Растау және жіберу'))[0]?.text).toContain('✅ Өтініш кезекке қойылды');
    const xApp = await applicationOf(xChild);

    // Y's record and the contacts of Y's application are as they were.
    expect(xApp.applicantId).not.toBe(yApp.applicantId);
    const [yRecordAfter] = await database.db.select().from(applicants).where(eq(applicants.id, yApp.applicantId));
    expect(yRecordAfter).toEqual(yRecordBefore);
    const [yAppAfter] = await database.db
      .select({ applicantId: applications.applicantId, fullName: applicants.fullName, phones: applicants.phones, address: applicants.address })
      .from(applications)
      .innerJoin(applicants, eq(applicants.id, applications.applicantId))
      .where(eq(applications.id, yApp.id));
    expect(yAppAfter).toEqual({ applicantId: yApp.applicantId, fullName: 'Нұрланова Гүлнар Асқарқызы', phones: ['+77775554433'], address: 'Алматы, Төле би көшесі, 1' });
    // X's application keeps X's details as given.
    const [xRecord] = await database.db.select().from(applicants).where(eq(applicants.id, xApp.applicantId));
    expect(xRecord).toMatchObject({ iin: parentIin, fullName: 'Басқаев Ерлан Серікұлы', phones: ['+77051112233'], address: 'Шымкент, Байтұрсынов көшесі, 7', telegramUserId: x.id, identityProof: 'claimed' });

    // What Y's account sees is unchanged: Y's child only, and Y's own details offered again.
    const yCardsAfter = texts(await y.say('/my')).join('\n');
    expect(yCardsAfter).toBe(yCardsBefore);
    expect(yCardsAfter).not.toContain('Басқаев Дамир Ерланұлы');
    expect(texts(await x.say('/my')).join('\n')).not.toContain(yApp.number);
    await y.say('/apply');
    await y.tap('✅ Келісемін');
    await y.tap('Ата-ана немесе заңды өкіл');
    await y.say(iinFor(yearsAgo(1, 10)));
    const offer = lastText(await y.tap('✅ Иә, дұрыс'));
    expect(offer).toContain('Ата-ана: Нұрланова Гүлнар Асқарқызы');
    expect(offer).toContain('Телефон: +77775554433');
    expect(offer).toContain('Мекенжай: Алматы, Төле би көшесі, 1');
    expect(offer).not.toContain('Басқаев');
    await y.say('/cancel');

    // Staff see on both applications that the IIN was claimed by another account with other contacts.
    const app = testServer(database);
    const admin = await createStaff(database, ['admin']);
    const staff = client(app, await signIn(app, admin.login, admin.password, '10.1.10.1'));
    const onX = await staff.get(`/api/applications/${xApp.id}`);
    expect(onX.status).toBe(200);
    expect(onX.json.applicant).toMatchObject({ fullName: 'Басқаев Ерлан Серікұлы', identityProof: 'claimed' });
    expect(onX.json.identityClaims).toEqual([
      expect.objectContaining({
        applicantId: yApp.applicantId,
        fullName: 'Нұрланова Гүлнар Асқарқызы',
        phones: ['+77775554433'],
        otherTelegramAccount: true,
        differs: ['fullName', 'phone', 'address', 'telegram'],
        applications: [expect.objectContaining({ id: yApp.id, number: yApp.number })],
        applicationsElsewhere: 0,
      }),
    ]);
    const onY = await staff.get(`/api/applications/${yApp.id}`);
    expect(onY.json.identityClaims).toEqual([
      expect.objectContaining({ applicantId: xApp.applicantId, fullName: 'Басқаев Ерлан Серікұлы', otherTelegramAccount: true }),
    ]);
  });

  it('refuses a child\'s IIN as the parent\'s: the applicant must be of age', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'kk' });
    await p.say('/apply');
    await p.tap('✅ Келісемін');
    await p.tap('Ата-ана немесе заңды өкіл');
    await p.say(iinFor(yearsAgo(1, 30)));
    await p.tap('✅ Иә, дұрыс');
    expect(texts(await p.say(iinFor(yearsAgo(2, 30))))).toEqual([
      'ЖСН бойынша өтініш берушіге әлі 18 жас толмаған: өтінішті кемінде 18 жастағы ата-ана немесе заңды өкіл береді. ЖСН-ді тексеріңіз.',
      'Ата-ананың (заңды өкілдің) ЖСН-ін жазыңыз — 12 цифр.',
    ]);
    // Days before the 18th birthday is too young; just after it is enough (a day's margin for Almaty's date).
    expect(texts(await p.say(iinFor(yearsAgo(18, -2))))[0]).toContain('18 жас толмаған');
    expect(lastText(await p.say(iinFor(yearsAgo(18, 1))))).toBe('Ата-ананың тегін, атын және әкесінің атын жазыңыз.');
    await p.say('/cancel');
  });
});

async function applicationOf(childIin: string) {
  const [row] = await database.db
    .select({ app: applications })
    .from(applications)
    .innerJoin(children, eq(children.id, applications.childId))
    .where(eq(children.iin, childIin));
  return row!.app;
}

describe('a second child', () => {
  it('offers the parent details of the last application, skips those questions and lets the parent go back', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'kk' });
    const parentIin = iinFor('1988-08-08');
    await applyFirst(p, parentIin, iinFor(yearsAgo(4, 100)));

    const secondChild = iinFor(yearsAgo(2, 30));
    const offer = lastText(await startWithChild(p, secondChild));
    expect(offer).toBe(
      [
        'Бұрын өтініш бергенсіз. Ата-ананың деректерін өткен жолғыдай қалдырайық па?',
        '',
        `Ата-ана: Нұрланова Гүлнар Асқарқызы, ЖСН ••••••••${parentIin.slice(-4)}`,
        'Телефон: +77775554433',
        'Мекенжай: Алматы, Төле би көшесі, 1',
      ].join('\n'),
    );
    expect(p.buttons()).toEqual(['✅ Иә, осылай қалсын', '✏️ Жаңадан жазамын', '◀️ Артқа', '✖️ Тоқтату']);
    expect(lastText(await p.tap('✅ Иә, осылай қалсын'))).toBe('Баланың тегін, атын және әкесінің атын жазыңыз.');
    // Back from the child's name returns to the offer, not to questions that were never asked.
    expect(lastText(await p.tap('◀️ Артқа'))).toContain('Ата-ананың деректерін өткен жолғыдай қалдырайық па?');
    await p.tap('✅ Иә, осылай қалсын');

    // The sibling's district, language and kindergartens are offered too.
    await p.say('Нұрлан Дана Асқарқызы');
    expect(lastText(await p.say('I-АЖ 777778'))).toBe(
      [
        'Ауданды, оқыту тілін және балабақшаларды өткен өтініштегідей қалдырайық па?',
        'Өткен өтініш: Нұрлан Әли Асқарұлы',
        '',
        `Аудан: ${places.districtKk}`,
        'Оқыту тілі: қазақ тілі',
        'Балабақшалар: 1) № 13 "Ақбота" балабақшасы',
      ].join('\n'),
    );
    expect(p.buttons()).toEqual(['✅ Иә, осылай қалсын', '✏️ Басқасын таңдаймын', '◀️ Артқа', '✖️ Тоқтату']);
    expect(lastText(await p.tap('✅ Иә, осылай қалсын'))).toContain('кезектен тыс немесе бірінші кезекте орын алу құқығы бар ма');
    // The address was known too: the summary comes straight after the category.
    const summary = lastText(await p.tap('Жеңілдік жоқ'));
    expect(summary).toContain('📋 Өтінішті тексеріңіз:');
    expect(summary).toContain(`Аудан: ${places.districtKk}`);
    expect(summary).toContain('Балабақшалар: 1) № 13 "Ақбота" балабақшасы');
    expect(summary).toContain(`Ата-ана: Нұрланова Гүлнар Асқарқызы, ЖСН ${parentIin}`);
    expect(summary).toContain('Телефон: +77775554433');
    expect(summary).toContain('Мекенжай: Алматы, Төле би көшесі, 1');
    const result = await p.tap('✅ Растау және жіберу');
    expect(result[0]?.text).toContain('✅ Өтініш кезекке қойылды');
    expect(result[0]?.text).toContain('Нұрлан Дана Асқарқызы');
    expectTranslated(p);

    const mine = await database.db
      .select({ applicantId: applications.applicantId })
      .from(applications)
      .innerJoin(applicants, eq(applicants.id, applications.applicantId))
      .where(eq(applicants.iin, parentIin));
    expect(mine).toHaveLength(2);
    expect(mine[0]?.applicantId).toBe(mine[1]?.applicantId);
    const cards = (await p.say('/my')).map((m) => m.text).join('\n');
    expect(cards).toContain('Нұрлан Әли Асқарұлы');
    expect(cards).toContain('Нұрлан Дана Асқарқызы');
    expect((await applicationOf(secondChild)).kindergartenIds).toEqual([places.kindergartens[2]!.id]);
  });

  it('in Russian: the sibling\'s places are offered with only the kindergartens that still teach in that language, and can be chosen anew', async () => {
    const { bot, tg } = harness;
    const p = new FakeParent(bot, tg, { languageCode: 'ru' });
    await p.say('/apply');
    await p.tap('✅ Даю согласие');
    await p.tap('Родитель или опекун');
    await p.say(iinFor(yearsAgo(4, 1)));
    await p.tap('✅ Да, верно');
    await p.say(iinFor('1990-10-10'));
    await p.say('Омарова Алия Бекқызы');
    await p.say('+7 701 333 22 11');
    await p.say('Омаров Ерлан Асанович');
    await p.say('III-ЖК 111223');
    await p.say(places.tag);
    await p.tap(new RegExp(places.districtRu));
    await p.tap('русский язык');
    await p.tap('Детский сад № 14 "Теремок"');
    await p.tap('Детский сад № 12 "Айгөлек"');
    await p.tap('✅ Готово');
    await p.tap('Льготы нет');
    await p.say('Алматы, мкр. Самал-2, 33');
    expect((await p.tap('✅ Подтвердить и отправить'))[0]?.text).toContain('✅ Ребёнок поставлен в очередь');

    // № 14 stops teaching: the offer keeps the one that still does.
    await database.db.update(kindergartens).set({ languages: ['kk'] }).where(eq(kindergartens.id, places.kindergartens[3]!.id));
    try {
      await p.say('/apply');
      await p.tap('✅ Даю согласие');
      await p.tap('Родитель или опекун');
      await p.say(iinFor(yearsAgo(1, 1)));
      await p.tap('✅ Да, верно');
      await p.tap('✅ Да, оставить');
      await p.say('Омарова Айым Ерлановна');
      expect(lastText(await p.say('III-ЖК 111224'))).toBe(
        [
          'Оставить район, язык обучения и детские сады как в прошлом заявлении?',
          'Прошлое заявление: Омаров Ерлан Асанович',
          '',
          `Район: ${places.districtRu}`,
          'Язык обучения: русский язык',
          'Детские сады: 1) Детский сад № 12 "Айгөлек"',
        ].join('\n'),
      );
      expect(p.buttons()).toEqual(['✅ Да, оставить', '✏️ Выбрать другие', '◀️ Назад', '✖️ Отменить']);
      expect(lastText(await p.tap('✏️ Выбрать другие'))).toContain('В каком районе ищете детский сад?');
    } finally {
      await database.db.update(kindergartens).set({ languages: ['ru'] }).where(eq(kindergartens.id, places.kindergartens[3]!.id));
    }
    await p.say('/cancel');
  });
});

/** /apply as a parent up to the child's IIN, confirmed; answers what came after the confirmation. */
async function startWithChild(p: FakeParent, childIin: string) {
  await p.say('/apply');
  await p.tap('✅ Келісемін');
  await p.tap('Ата-ана немесе заңды өкіл');
  await p.say(childIin);
  return p.tap('✅ Иә, дұрыс');
}

const PARENT = { name: 'Нұрланова Гүлнар Асқарқызы', phone: '+7 777 555 44 33' };

async function fillParent(p: FakeParent, parentIin: string, parent = PARENT) {
  await p.say(parentIin);
  await p.say(parent.name);
  await p.say(parent.phone);
}

/** From the child's name to the category (none); answers what the category step showed next. */
async function fillChildAndPlace(p: FakeParent, child = { name: 'Нұрлан Әли Асқарұлы', kindergarten: '№ 13 "Ақбота" балабақшасы' }) {
  await p.say(child.name);
  await p.say('I-АЖ 777777');
  await p.say(places.tag);
  await p.tap(new RegExp(places.districtKk));
  await p.tap('қазақ тілі');
  await p.tap(child.kindergarten);
  await p.tap('✅ Дайын');
  return p.tap('Жеңілдік жоқ');
}

/** A first application of this account, from /apply to the registration notice. */
async function applyFirst(p: FakeParent, parentIin: string, childIin: string) {
  await startWithChild(p, childIin);
  await fillParent(p, parentIin);
  await fillChildAndPlace(p);
  await p.say('Алматы, Төле би көшесі, 1');
  const result = await p.tap('✅ Растау және жіберу');
  expect(result[0]?.text).toContain('✅ Өтініш кезекке қойылды');
}
