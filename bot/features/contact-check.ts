/**
 * "Is this still your phone?" (core/contact-checks.ts): the yearly question arrives through the
 * outbox, the one after an undelivered message when the parent writes again. Confirm closes it;
 * a new number goes through the phone conversation (Telegram's contact button or typed, checked
 * by core/phone.ts), whose change closes it too.
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import { confirmContactByParent, openCheckForAccount } from '../../core/contact-checks.ts';
import { NotFoundError, RuleError } from '../../core/errors.ts';
import { maskPhone } from '../../core/phone.ts';
import { cb, onCallback } from '../callbacks.ts';
import type { BotContext } from '../context.ts';

/** The question's buttons, shared with the outbox's rendering (bot/views/notification.ts). */
export function contactCheckKeyboard(t: TFunction, checkId: number): InlineKeyboard {
  return new InlineKeyboard().text(t('bot.contact.confirm'), cb.contactConfirm.encode({ checkId })).row().text(t('bot.contact.change'), cb.contactChange.encode({ checkId }));
}

/** Asks now, in this chat, when the account has an open question (the parent is back after being unreachable). */
export async function askContactCheck(ctx: BotContext): Promise<boolean> {
  if (!ctx.from) return false;
  const check = await openCheckForAccount(ctx.db, ctx.from.id);
  if (!check) return false;
  await ctx.reply(ctx.t('bot.contact.question', { phone: check.phone ? maskPhone(check.phone) : '—' }), {
    reply_markup: contactCheckKeyboard(ctx.t, check.id),
  });
  return true;
}

export function contactCheckFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  onCallback(feature, cb.contactConfirm, async (ctx, { checkId }) => {
    await ctx.answerCallbackQuery().catch(() => {});
    try {
      await confirmContactByParent(ctx.db, { checkId, telegramUserId: ctx.from.id });
      await ctx.editMessageReplyMarkup().catch(() => {});
      await ctx.reply(ctx.t('bot.contact.confirmed'));
    } catch (err) {
      if (err instanceof RuleError) return void (await ctx.reply(ctx.t('bot.contact.alreadyAnswered')));
      if (err instanceof NotFoundError) return void (await ctx.reply(ctx.t('bot.manage.notAllowed')));
      throw err;
    }
  });
  onCallback(feature, cb.contactChange, async (ctx, { checkId }) => {
    await ctx.answerCallbackQuery().catch(() => {});
    const check = await openCheckForAccount(ctx.db, ctx.from.id);
    if (!check || check.id !== checkId) return void (await ctx.reply(ctx.t('bot.contact.alreadyAnswered')));
    if (ctx.conversation.active('apply')) return void (await ctx.reply(ctx.t('bot.busy')));
    await ctx.conversation.exitAll();
    await ctx.editMessageReplyMarkup().catch(() => {});
    // The phone belongs to the applicant: changing it through one of their applications closes the question.
    await ctx.conversation.enter('editPhone', check.applicationId);
  });
  return feature;
}
