/**
 * Sessions and conversation state live in PostgreSQL: a new bot instance (a restart, or another
 * instance behind the load balancer) continues a half-finished application where it stopped.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { applications, botSessions, children } from '../../db/schema/index.ts';
import { backend, openTestDatabase } from '../support/db.ts';
import { createBotPlaces, iinFor, makeBot, yearsAgo, type BotPlaces } from '../support/bot.ts';
import { FakeParent } from '../support/fake-telegram.ts';

let database: Database;
let second: Database;
let places: BotPlaces;

beforeAll(async () => {
  database = await openTestDatabase();
  // On the server, the second instance has its own pool: nothing is shared but the database.
  second = backend() === 'postgres' ? await openTestDatabase() : database;
  places = await createBotPlaces(database.db);
});
afterAll(async () => {
  if (second !== database) await second.close();
  await database.close();
});

describe('a restart in the middle of an application', () => {
  it('loses nothing: the new instance asks the next question and completes the application', async () => {
    const before = await makeBot(database);
    const p1 = new FakeParent(before.bot, before.tg, { languageCode: 'ru' });
    await p1.say('/apply');
    await p1.tap('✅ Даю согласие');
    await p1.tap('Родитель или опекун');
    const childIin = iinFor(yearsAgo(5, 100), 'male');
    expect((await p1.say(childIin)).map((m) => m.text)).toEqual([expect.stringMatching(/^Дата рождения по ИИН: \d\d\.\d\d\.\d{4}\. Верно\?$/)]);
    await p1.tap('✅ Да, верно');
    await p1.say(iinFor('1992-09-09'));
    await p1.say('Омарова Алия Бекқызы');
    await p1.shareContact('+77015554433');
    expect(p1.last.text).toBe('Напишите фамилию, имя и отчество ребёнка.');
    const [saved] = await database.db.select().from(botSessions).where(eq(botSessions.key, String(p1.id)));
    expect(saved?.value).toHaveProperty('conversations');

    // The old process is gone; a new one starts with nothing in memory.
    const after = await makeBot(second);
    const p2 = new FakeParent(after.bot, after.tg, { id: p1.id, languageCode: 'ru' });
    const asked = await p2.say('Омаров Ерлан Асанович');
    expect(asked.map((m) => m.text)).toEqual(['Напишите номер свидетельства о рождении ребёнка.']);
    await p2.say('III-ЖК 111222');
    await p2.say(places.tag);
    await p2.tap(new RegExp(places.districtRu));
    await p2.tap('русский язык');
    await p2.tap('Детский сад № 14 "Теремок"');
    await p2.tap('✅ Готово');
    await p2.tap('Льготы нет');
    const summary = (await p2.say('Алматы, мкр. Самал-2, 33')).at(-1)!.text;
    expect(summary).toContain('Родитель: Омарова Алия Бекқызы');
    expect(summary).toContain('Телефон: +77015554433 (подтверждён через Telegram)');
    const result = await p2.tap('✅ Подтвердить и отправить');
    expect(result[0]?.text).toContain('✅ Ребёнок поставлен в очередь');
    const [app] = await second.db
      .select({ status: applications.status })
      .from(applications)
      .innerJoin(children, eq(children.id, applications.childId))
      .where(eq(children.iin, childIin));
    expect(app?.status).toBe('registered');
    // The finished conversation leaves no state behind.
    const [after2] = await database.db.select().from(botSessions).where(eq(botSessions.key, String(p1.id)));
    expect(after2?.value).not.toHaveProperty('conversations');
  });
});
