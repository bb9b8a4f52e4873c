import { loadReferralDocumentData } from '../../core/document-data.ts';
import { documentFileName, renderReferralPdf } from '../../core/documents-pdf.ts';
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { IllegalTransitionError, NotFoundError, RuleError } from '../../core/errors.ts';
import { answerOfferByParent, withdrawByParent } from '../../core/parent-actions.ts';
import { listParentApplications, type KnownPosition } from '../../core/parent-view.ts';
import { changeCategoryByParent } from '../../core/priority-claims.ts';
import type { PriorityCategory } from '../../core/queue.ts';
import { formatOpenQueueCode, openQueueCodesFor, openQueueUrl } from '../../core/open-queue.ts';
import { explainPositionChange, type PositionExplanation } from '../../core/position.ts';
import { cb, onCallback } from '../callbacks.ts';
import type { BotContext, SeenEntry } from '../context.ts';
import { mainMenu, type MenuItem } from '../keyboards/main-menu.ts';
import { applicationCard } from '../views/application-card.ts';
import { formatDate } from '../views/format.ts';

/** Why an action on an application was refused, in the parent's words. */
function refusal(ctx: BotContext, err: unknown): string {
  if (err instanceof NotFoundError) return ctx.t('bot.manage.notAllowed');
  if (err instanceof IllegalTransitionError) return ctx.t('errors.illegal_transition');
  if (err instanceof RuleError) {
    const key = `errors.${err.code}`;
    return ctx.i18n.exists(key, { lng: ctx.lang }) ? ctx.t(key, err.params) : ctx.t('errors.illegal_transition');
  }
  throw err;
}

/** "My applications": every application this account may see, and what the parent can do with it. */
export async function showApplications(ctx: BotContext): Promise<void> {
  const seen = ctx.session.seen ?? {};
  const known: Record<number, KnownPosition> = {};
  for (const [id, s] of Object.entries(seen)) {
    if (s.stamp && s.ahead && s.position !== null) known[Number(id)] = { stamp: s.stamp, position: { position: s.position, ahead: s.ahead } };
  }
  const apps = await listParentApplications(ctx.db, ctx.from!.id, ctx.policy, { known });
  if (apps.length === 0) {
    await ctx.reply(ctx.t('bot.my.empty'), { reply_markup: mainMenu(ctx.t) });
    return;
  }
  const codes = await openQueueCodesFor(ctx.db, apps);
  const next: Record<string, SeenEntry> = {};
  const now = new Date().toISOString();
  let changed = false;
  for (const app of apps) {
    const before = seen[app.id];
    const position = app.position?.position ?? null;
    let explanation: PositionExplanation | null = null;
    if (before?.status === 'registered' && app.status === 'registered' && before.position !== null && before.position !== position) {
      explanation = await explainPositionChange(ctx.db, app.id, new Date(before.at), ctx.policy);
    }
    const open = codes.get(app.id);
    const card = applicationCard(
      ctx.t,
      ctx.lang,
      app,
      { seen: before, explanation },
      open ? { code: formatOpenQueueCode(open.code), url: openQueueUrl(ctx.config, open.queueId, ctx.lang) } : null,
    );
    await ctx.reply(card.text, card.keyboard.inline_keyboard.length ? { reply_markup: card.keyboard } : {});
    // Only a change is written: looking again at an unchanged queue costs no session write.
    const stamp = app.positionStamp ?? undefined;
    if (before && before.status === app.status && before.position === position && before.stamp === stamp) {
      next[app.id] = before;
      continue;
    }
    const samePlace = before && before.status === app.status && before.position === position;
    next[app.id] = {
      at: samePlace ? before.at : now,
      status: app.status,
      position,
      ...(stamp && app.position ? { stamp, ahead: app.position.ahead } : {}),
    };
    changed = true;
  }
  if (changed || Object.keys(seen).length !== Object.keys(next).length) ctx.session.seen = next;
}

export function myApplicationsFeature(labels: Record<MenuItem, string[]>): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('my', showApplications);
  feature.hears(labels.my, showApplications);
  onCallback(feature, cb.myList, async (ctx) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await showApplications(ctx);
  });

  const find = async (ctx: BotContext, id: number) =>
    (await listParentApplications(ctx.db, ctx.from!.id, ctx.policy)).find((a) => a.id === id) ?? null;

  onCallback(feature, cb.withdraw, async (ctx, { applicationId }) => {
    await ctx.answerCallbackQuery().catch(() => {});
    const app = await find(ctx, applicationId);
    if (!app || !app.actions.includes('withdraw')) return void (await ctx.reply(ctx.t('bot.manage.notAllowed')));
    await ctx.reply(ctx.t('bot.my.withdraw.confirm', { number: app.number }), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('bot.my.withdraw.yes'), cb.withdrawYes.encode({ applicationId: app.id }))
        .text(ctx.t('bot.my.withdraw.no'), cb.withdrawNo.encode({ applicationId: app.id })),
    });
  });
  onCallback(feature, cb.withdrawYes, async (ctx, { applicationId }) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await ctx.editMessageReplyMarkup().catch(() => {});
    try {
      const app = await withdrawByParent(ctx.db, { telegramUserId: ctx.from.id, applicationId, policy: ctx.policy });
      await ctx.reply(ctx.t('bot.my.withdraw.done', { number: app.number }), { reply_markup: mainMenu(ctx.t) });
    } catch (err) {
      await ctx.reply(refusal(ctx, err));
    }
  });
  onCallback(feature, cb.withdrawNo, async (ctx) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await ctx.editMessageReplyMarkup().catch(() => {});
    await ctx.reply(ctx.t('bot.my.withdraw.kept'));
  });

  onCallback(feature, cb.offerConfirm, async (ctx, { applicationId }) => {
    await ctx.answerCallbackQuery().catch(() => {});
    try {
      const referral = await answerOfferByParent(ctx.db, { telegramUserId: ctx.from.id, applicationId, accept: true, policy: ctx.policy, signingKey: await ctx.signingKey() });
      const deadline = referral.presentBy ? formatDate(referral.presentBy) : '—';
      await ctx.reply(ctx.t('bot.my.offer.confirmed', { number: referral.number ?? '—', deadline }));
      // The referral itself (appendix 3), signed and with its QR code, to show at the kindergarten.
      const data = await loadReferralDocumentData(ctx.db, referral.id, ctx.config);
      if (data?.number) {
        const pdf = await renderReferralPdf(data, ctx.lang, { i18n: ctx.i18n, policy: ctx.policy });
        const name = await documentFileName('referral', data.number, ctx.lang, { i18n: ctx.i18n });
        await ctx.replyWithDocument(new InputFile(pdf, name));
      }
    } catch (err) {
      await ctx.reply(refusal(ctx, err));
    }
  });
  onCallback(feature, cb.offerDecline, async (ctx, { applicationId }) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await ctx.reply(ctx.t('bot.my.offer.declineConfirm'), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('bot.my.offer.declineYes'), cb.offerDeclineYes.encode({ applicationId }))
        .text(ctx.t('bot.my.withdraw.no'), cb.keep.encode()),
    });
  });
  onCallback(feature, cb.offerDeclineYes, async (ctx, { applicationId }) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await ctx.editMessageReplyMarkup().catch(() => {});
    try {
      await answerOfferByParent(ctx.db, { telegramUserId: ctx.from.id, applicationId, accept: false, policy: ctx.policy, signingKey: await ctx.signingKey() });
      await ctx.reply(ctx.t('bot.my.offer.declined'));
    } catch (err) {
      await ctx.reply(refusal(ctx, err));
    }
  });
  onCallback(feature, cb.keep, async (ctx) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await ctx.editMessageReplyMarkup().catch(() => {});
    await ctx.reply(ctx.t('bot.my.withdraw.kept'));
  });

  // The claimed right, changed or dropped: the new one is verified again (core/priority-claims.ts).
  onCallback(feature, cb.category, async (ctx, { applicationId }) => {
    await ctx.answerCallbackQuery().catch(() => {});
    const app = await find(ctx, applicationId);
    if (!app || !app.actions.includes('category')) return void (await ctx.reply(ctx.t('bot.manage.notAllowed')));
    const rights = [...ctx.policy.extraordinaryCategories, ...ctx.policy.firstPriorityCategories];
    const current = app.priorityCategory === 'none' ? ctx.t('bot.my.category.none') : ctx.t(`category.${app.priorityCategory}`);
    const list = rights.map((c, i) => `${i + 1}. ${ctx.t(`category.${c}`)}`).join('\n');
    const kb = new InlineKeyboard();
    if (app.priorityCategory !== 'none') kb.text(ctx.t('bot.my.category.none'), cb.categoryChosen.encode({ applicationId: app.id, category: 'none' })).row();
    rights.forEach((c, i) => {
      if (c !== app.priorityCategory) kb.text(`${i + 1}. ${ctx.t(`bot.apply.category.short.${c}`)}`, cb.categoryChosen.encode({ applicationId: app.id, category: c })).row();
    });
    await ctx.reply(ctx.t('bot.my.category.question', { number: app.number, category: current, list }), { reply_markup: kb });
  });
  onCallback(feature, cb.categoryChosen, async (ctx, { applicationId, category }) => {
    await ctx.answerCallbackQuery().catch(() => {});
    await ctx.editMessageReplyMarkup().catch(() => {});
    const before = await find(ctx, applicationId);
    if (!before || !before.actions.includes('category')) return void (await ctx.reply(ctx.t('bot.manage.notAllowed')));
    try {
      const change = await changeCategoryByParent(ctx.db, {
        applicationId: before.id,
        category,
        actor: { type: 'parent', id: before.applicantId },
        policy: ctx.policy,
      });
      const after = await find(ctx, before.id);
      const name = (c: PriorityCategory) => (c === 'none' ? ctx.t('bot.my.category.none') : ctx.t(`category.${c}`));
      const lines = [ctx.t('bot.my.category.changed', { number: change.number, from: name(change.from), to: name(change.to) })];
      const then = before.position?.position;
      const now = after?.position?.position;
      if (then !== undefined && now !== undefined) {
        lines.push(then === now ? ctx.t('bot.my.category.same', { now }) : ctx.t('bot.my.category.moved', { then, now }));
        // Explained here: "My applications" should not report the move again as news.
        const seen = ctx.session.seen?.[before.id];
        if (seen && after) ctx.session.seen = { ...ctx.session.seen, [before.id]: { at: new Date().toISOString(), status: seen.status, position: now } };
      }
      const kb = new InlineKeyboard();
      if (change.due) {
        lines.push('', ctx.t('bot.my.category.sendProof', { deadline: formatDate(change.due) }));
        kb.text(ctx.t('bot.my.actions.document'), cb.uploadDocument.encode({ applicationId: before.id }));
      }
      await ctx.reply(lines.join('\n'), kb.inline_keyboard.length ? { reply_markup: kb } : { reply_markup: mainMenu(ctx.t) });
    } catch (err) {
      await ctx.reply(refusal(ctx, err));
    }
  });

  // Kindergartens, phone and documents are short conversations (bot/conversations/manage.ts).
  for (const conversation of ['editKindergartens', 'editPhone', 'uploadDocument'] as const) {
    onCallback(feature, cb[conversation], async (ctx, { applicationId }) => {
      await ctx.answerCallbackQuery().catch(() => {});
      if (ctx.conversation.active('apply')) return void (await ctx.reply(ctx.t('bot.busy')));
      await ctx.conversation.exitAll();
      await ctx.conversation.enter(conversation, applicationId);
    });
  }
  return feature;
}
