/**
 * Work certificates ahead of time, as the parent sees them through the fake Telegram: the card
 * in "My applications" warns in Kazakh and Russian when a sent certificate will likely lapse
 * before it is verified, and the renewal reminder reaches the chat in the parent's language.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, createNotifierApi } from '../../bot/notifier.ts';
import { attachDocument } from '../../core/attachments.ts';
import { submitApplication } from '../../core/applications.ts';
import { CERTIFICATE_REMIND_JOB, certificateJobs } from '../../core/certificates.ts';
import { formatDate } from '../../core/format.ts';
import { createLogger } from '../../core/logger.ts';
import { defaultPolicy } from '../../core/policy.ts';
import type { Database } from '../../db/client.ts';
import { documents, jobs, notifications } from '../../db/schema/index.ts';
import { createI18n } from '../../locales/index.ts';
import { botConfig, makeBot, PDF } from '../support/bot.ts';
import { openTestDatabase } from '../support/db.ts';
import { applicationInput, createPlaces, grantPriority, type Places } from '../support/factories.ts';
import { FakeParent, FakeTelegram, newTelegramUserId } from '../support/fake-telegram.ts';

const policy = defaultPolicy;
const year = new Date().getUTCFullYear() - 3;
let database: Database;
let places: Places;
let harness: Awaited<ReturnType<typeof makeBot>>;

beforeAll(async () => {
  database = await openTestDatabase();
  places = await createPlaces(database.db);
  harness = await makeBot(database);
});
afterAll(async () => {
  await database.close();
});

async function militaryClaim(telegramUserId: number, language: 'kk' | 'ru') {
  const input = applicationInput(places, { childYear: year, priorityCategory: 'military', language });
  input.applicant = { ...input.applicant, telegramUserId, language };
  const { application } = await submitApplication(database.db, input, { type: 'parent', id: null }, policy);
  return application;
}

const lastText = (ms: { text: string }[]) => ms[ms.length - 1]?.text ?? '';

describe('a work certificate that may lapse before verification', () => {
  it('is flagged on the card in both languages, with what to do', async () => {
    const { bot, tg } = harness;
    for (const lang of ['kk', 'ru'] as const) {
      const parent = new FakeParent(bot, tg, { languageCode: lang });
      const app = await militaryClaim(parent.id, lang);
      await attachDocument(database.db, { applicationId: app.id, kind: 'priority_proof', fileName: 'анықтама.pdf', bytes: PDF, actor: { type: 'parent', id: null }, policy });
      const fresh = lastText(await parent.say('/my'));
      expect(fresh).not.toContain('⚠️');

      const sentAt = new Date(Date.now() - 26 * 86_400_000);
      await database.db.update(documents).set({ createdAt: sentAt }).where(eq(documents.applicationId, app.id));
      const card = lastText(await parent.say('/my'));
      const until = formatDate(new Date(sentAt.getTime() + policy.certificateValidityDays * 86_400_000));
      const days = policy.proofVerificationDays;
      expect(card).toContain(
        lang === 'kk'
          ? `⚠️ Жұмыс орнынан анықтама ең кешінде мына күнге дейін жарамды: ${until}, ал тексеру әдетте ${days} күн алады. Тексерілгенше мерзімі өтуі мүмкін: жаңа анықтаманы «📎 Құжат жіберу» батырмасымен жіберіңіз.`
          : `⚠️ Справка с места работы действительна самое позднее до ${until}, а проверка обычно занимает дней: ${days}. Она может истечь раньше, чем её проверят: пришлите новую справку кнопкой «📎 Прислать документ».`,
      );
    }
  });
});

describe('the renewal reminder', () => {
  it('reaches the parent before the certificate lapses, in their language', async () => {
    const i18n = await createI18n();
    for (const lang of ['kk', 'ru'] as const) {
      const chat = newTelegramUserId();
      const app = await militaryClaim(chat, lang);
      const granted = await grantPriority(database.db, app.id, policy);
      const validUntil = granted.priorityProofValidUntil!;
      const [remind] = await database.db.select().from(jobs).where(eq(jobs.dedupeKey, `certificate:${app.id}:remind`));
      await database.db.transaction((tx) => certificateJobs(() => policy)[CERTIFICATE_REMIND_JOB]!(tx, remind!, remind!.runAt));
      // Only the reminder is looked at here.
      await database.db
        .update(notifications)
        .set({ status: 'sent' })
        .where(and(eq(notifications.applicationId, app.id), eq(notifications.status, 'pending'), eq(notifications.kind, 'priority_verified')));
      await database.db
        .update(notifications)
        .set({ status: 'sent' })
        .where(and(eq(notifications.applicationId, app.id), eq(notifications.kind, 'status_register')));

      const tg = new FakeTelegram();
      const notifier = createNotifier({
        db: database.db,
        logger: createLogger('silent'),
        i18n,
        api: createNotifierApi(botConfig, { fetch: tg.fetch }),
        scope: { applicantIds: [app.applicantId] },
      });
      await notifier.tick();
      const sent = tg.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === chat);
      expect(sent).toHaveLength(1);
      const until = formatDate(validUntil);
      const sendBy = formatDate(new Date(validUntil.getTime() - policy.proofVerificationDays * 86_400_000));
      const days = policy.proofVerificationDays;
      expect(sent[0]!.payload.text).toBe(
        lang === 'kk'
          ? `⏰ № ${app.number} өтініш: жұмыс орнынан анықтама жарамды: ${until} күнін қоса алғанда. Жаңа анықтаманы тексеру шамамен ${days} күн алады, сондықтан оны мына күнге дейін жіберіңіз: ${sendBy}. Әйтпесе жеңілдік құқығы уақытша тоқтайды. «📋 Менің өтініштерім» → «📎 Құжат жіберу».`
          : `⏰ Заявление № ${app.number}: справка с места работы действительна до ${until} включительно. Проверка новой справки занимает дней: около ${days}, поэтому пришлите её до ${sendBy}. Иначе право на льготу прервётся. «📋 Мои заявления» → «📎 Прислать документ».`,
      );
    }
  });
});
