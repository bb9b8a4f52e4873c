import { Composer, InlineKeyboard } from 'grammy';
import type { Policy } from '../../core/policy.ts';
import type { BotContext } from '../context.ts';
import type { MenuItem } from '../keyboards/main-menu.ts';

const TOPICS = ['schedule', 'documents', 'contacts', 'complaint'] as const;

/** Help: the schedule, the documents, the 1414 call centre, how to complain, and a rating. */
export function helpFeature(labels: Record<MenuItem, string[]>, policy: Policy): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const show = (ctx: BotContext) =>
    ctx.reply(ctx.t('bot.help.text', { minutes: policy.resultDeadlineMinutes }), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('bot.help.schedule.button'), 'help:schedule')
        .text(ctx.t('bot.help.documents.button'), 'help:documents')
        .row()
        .text(ctx.t('bot.help.contacts.button'), 'help:contacts')
        .text(ctx.t('bot.help.complaint.button'), 'help:complaint')
        .row()
        .text(ctx.t('bot.feedback.start'), 'fb:start'),
    });
  feature.command('help', show);
  feature.hears(labels.help, show);
  feature.callbackQuery(new RegExp(`^help:(${TOPICS.join('|')})$`), async (ctx) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await ctx.reply(ctx.t(`bot.help.${ctx.match[1]}.text`));
  });
  return feature;
}
