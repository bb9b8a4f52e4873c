import { Composer, InlineKeyboard } from 'grammy';
import type { Policy } from '../../core/policy.ts';
import { cb, onCallback } from '../callbacks.ts';
import type { BotContext } from '../context.ts';
import type { MenuItem } from '../keyboards/main-menu.ts';

/** Help: the schedule, the documents, the 1414 call centre, how to complain, and a rating. */
export function helpFeature(labels: Record<MenuItem, string[]>, policy: Policy): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const show = (ctx: BotContext) =>
    ctx.reply(ctx.t('bot.help.text', { minutes: policy.resultDeadlineMinutes }), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('bot.help.schedule.button'), cb.help.encode({ topic: 'schedule' }))
        .text(ctx.t('bot.help.documents.button'), cb.help.encode({ topic: 'documents' }))
        .row()
        .text(ctx.t('bot.help.contacts.button'), cb.help.encode({ topic: 'contacts' }))
        .text(ctx.t('bot.help.complaint.button'), cb.help.encode({ topic: 'complaint' }))
        .row()
        .text(ctx.t('bot.feedback.start'), cb.feedback.encode()),
    });
  feature.command('help', show);
  feature.hears(labels.help, show);
  onCallback(feature, cb.help, async (ctx, { topic }) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await ctx.reply(ctx.t(`bot.help.${topic}.text`));
  });
  return feature;
}
