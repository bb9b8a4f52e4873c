/**
 * End-to-end smoke test: `main.ts` runs as its own process (RUN=bot, PGlite in a temporary
 * DATA_DIR, demo districts seeded) and long-polls the telegram-test-api emulator on 127.0.0.1;
 * the test plays the parent with the emulator's client through the text part of an application.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import TelegramServer from 'telegram-test-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iinFor, yearsAgo } from '../support/bot.ts';

const TOKEN = '777000:EMULATOR-smoke_test';
const root = new URL('../../', import.meta.url).pathname;

interface BotMessage {
  messageId: number;
  message: { text: string; reply_markup?: { inline_keyboard?: { text: string; callback_data: string }[][]; keyboard?: unknown } };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

let server: TelegramServer;
let bot: ChildProcess;
let dataDir: string;
let output = '';

beforeAll(async () => {
  const port = await freePort();
  server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
  await server.start();
  dataDir = mkdtempSync(join(tmpdir(), 'balabaqsha-emulator-'));
  bot = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      RUN: 'bot',
      DATA_DIR: dataDir,
      SEED_DEMO: 'true',
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Telegram bot started')) resolve();
    };
    bot.stdout!.on('data', onData);
    bot.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    bot.once('exit', (code) => reject(new Error(`bot exited with ${code}:\n${output}`)));
  });
  await started;
}, 120_000);

afterAll(async () => {
  if (bot && bot.exitCode === null) {
    const exited = new Promise<void>((resolve) => bot.once('exit', () => resolve()));
    bot.kill('SIGTERM');
    const timer = setTimeout(() => bot.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the bot as a process, long-polling the emulator', () => {
  it('completes the text part of an application in Kazakh and shows it in "My applications"', async () => {
    const client = server.getClient(TOKEN, { userId: 424242, chatId: 424242, firstName: 'Әсел', timeout: 20_000 });
    const seen: BotMessage[] = [];
    let read = 0;

    /** Waits until the bot has said something matching `pattern` after the last action. */
    async function expectBot(pattern: RegExp): Promise<BotMessage> {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const fresh = (await client.getUpdatesHistory()) as unknown as (BotMessage & { message?: { chat_id?: number } })[];
        for (const m of fresh) {
          if (m.message?.chat_id !== undefined && !seen.some((s) => s.messageId === m.messageId)) seen.push(m);
        }
        const found = seen.slice(read).find((m) => pattern.test(m.message.text));
        if (found) {
          read = seen.length;
          return found;
        }
        if (Date.now() > deadline) throw new Error(`bot never said ${pattern}; it said:\n${seen.slice(read).map((m) => m.message.text).join('\n---\n')}\n${output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const say = (text: string) => (text.startsWith('/') ? client.sendCommand(client.makeCommand(text)) : client.sendMessage(client.makeMessage(text)));
    const tap = async (message: BotMessage, label: string | RegExp) => {
      const button = message.message.reply_markup?.inline_keyboard
        ?.flat()
        .find((b) => (typeof label === 'string' ? b.text === label : label.test(b.text)));
      if (!button) throw new Error(`no button ${String(label)} in ${JSON.stringify(message.message.reply_markup)}`);
      await client.sendCallback(client.makeCallbackQuery(button.callback_data, { message: { message_id: message.messageId } }));
    };

    await say('/start');
    const greeting = await expectBot(/Сәлеметсіз бе!/);
    await tap(greeting, 'Қазақша');
    await expectBot(/Жақсы, енді қазақ тілінде сөйлесеміз/);
    await say('📝 Өтініш беру');
    await tap(await expectBot(/келісіміңіз қажет/), '✅ Келісемін');
    await tap(await expectBot(/^Өтінішті кім береді\?$/), 'Ата-ана немесе заңды өкіл');
    await expectBot(/Баланың ЖСН-ін жазыңыз/);
    await say('123');
    await expectBot(/^ЖСН — 12 цифр\.$/);
    await say(iinFor(yearsAgo(2, 60)));
    await tap(await expectBot(/ЖСН бойынша туған күні: \d\d\.\d\d\.\d{4}\. Дұрыс па\?/), '✅ Иә, дұрыс');
    await expectBot(/Ата-ананың \(заңды өкілдің\) ЖСН-ін жазыңыз/);
    await say(iinFor('1993-03-03'));
    await expectBot(/Ата-ананың тегін, атын/);
    await say('Жұмабаева Мөлдір Серікқызы');
    await expectBot(/Байланыс телефоны керек/);
    await say('+7 705 111 22 33');
    await expectBot(/Баланың тегін, атын/);
    await say('Жұмабай Алихан Ерболұлы');
    await expectBot(/туу туралы куәлігінің нөмірін/);
    await say('I-АЖ 555666');
    await expectBot(/Қай ауданнан балабақша іздейсіз\?/);
    await say('Алмалы');
    await tap(await expectBot(/Атауын жазып іздеуге болады/), /Алмалы/);
    await tap(await expectBot(/^Балабақшадағы оқыту тілі:$/), 'қазақ тілі');
    const picker = await expectBot(/Балабақшаларды қалауыңыз бойынша/);
    await tap(picker, /балабақшасы$/);
    // The picker is edited in place (editMessageText): wait for a bot message offering "Done".
    const withButton = async (label: string) => {
      const all = (await client.getUpdatesHistory()) as unknown as (BotMessage & { message?: { chat_id?: number } })[];
      return all.filter((m) => m.message?.chat_id !== undefined).find((m) => m.message.reply_markup?.inline_keyboard?.flat().some((b) => b.text === label));
    };
    await expect.poll(() => withButton('✅ Дайын'), { timeout: 20_000 }).toBeDefined();
    await tap((await withButton('✅ Дайын'))!, '✅ Дайын');
    await tap(await expectBot(/орын алу құқығы бар ма/), 'Жеңілдік жоқ');
    await expectBot(/Тұрғылықты мекенжайыңызды жазыңыз/);
    await say('Алматы, Жібек жолы даңғылы, 50');
    const summary = await expectBot(/Өтінішті тексеріңіз/);
    expect(summary.message.text).toContain('Ата-ана: Жұмабаева Мөлдір Серікқызы');
    expect(summary.message.text).toContain('Телефон: +77051112233');
    await tap(summary, '✅ Растау және жіберу');
    const notice = await expectBot(/Өтініш кезекке қойылды/);
    expect(notice.message.text).toMatch(/Өтініш нөмірі: \d{4}-\d{7}/);
    expect(notice.message.text).toMatch(/Кезектегі орны: \d+/);

    await say('📋 Менің өтініштерім');
    const card = await expectBot(/Жұмабай Алихан Ерболұлы/);
    expect(card.message.text).toContain('Мәртебесі: Кезекте');
    expect(card.message.text).toMatch(/ЖСН ••••••••\d{4}/);
  }, 120_000);
});
