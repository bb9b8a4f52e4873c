/** The rating of the six quality indicators of appendix 6, 1–5 each, after a result. */
import { InlineKeyboard } from 'grammy';
import { hasFeedback, QUALITY_INDICATORS, submitFeedback, type QualityIndicator } from '../../core/feedback.ts';
import { listParentApplications } from '../../core/parent-view.ts';
import type { Policy } from '../../core/policy.ts';
import { answerData } from '../callbacks.ts';
import type { BotConversation, ConvContext } from '../context.ts';
import { BACK, Dialog, isAnswer, ok, textAnswer, type Labels } from './kit.ts';
import { choice } from './steps.ts';

const SCORES = { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5 } as const;

export function createFeedbackConversation(deps: { policy: Policy; labels: Labels }) {
  return async function feedback(conversation: BotConversation, ctx: ConvContext, applicationId: number | null = null): Promise<void> {
    const d = new Dialog(conversation, ctx, deps.labels, 'bot.feedback.cancelled');
    let applicantId: number | null = null;
    if (applicationId !== null) {
      const found = await d.external(async (outer) => {
        const app = (await listParentApplications(outer.db, outer.from!.id, deps.policy)).find((a) => a.id === applicationId);
        return app ? { applicantId: app.applicantId, rated: await hasFeedback(outer.db, applicationId) } : null;
      });
      if (!found) return d.finish(d.t('bot.manage.notAllowed'));
      if (found.rated) return d.finish(d.t('bot.feedback.already'));
      applicantId = found.applicantId;
    }
    await d.say(d.t('bot.feedback.intro'));
    const ratings: Partial<Record<QualityIndicator, number>> = {};
    for (let i = 0; i < QUALITY_INDICATORS.length; ) {
      const key = QUALITY_INDICATORS[i]!;
      const score = await d.ask({
        text: (t) => `${i + 1}/${QUALITY_INDICATORS.length}. ${t(`bot.feedback.q.${key}`)}`,
        keyboard: () => {
          const kb = new InlineKeyboard();
          for (const s of Object.keys(SCORES)) kb.text(s, answerData(s));
          return kb;
        },
        nav: { back: i > 0 },
        parse: choice<number>(SCORES),
      });
      if (score === BACK) {
        i -= 1;
        continue;
      }
      ratings[key] = score;
      i += 1;
    }
    const comment = await d.ask<string | null>({
      text: (t) => t('bot.feedback.comment'),
      keyboard: (t) => new InlineKeyboard().text(t('bot.feedback.skip'), answerData('skip')),
      nav: { back: false },
      parse: (a, t) => (isAnswer(a, 'skip') ? ok(null) : textAnswer(a, t, { max: 1000 })),
    });
    const language = d.ctx.lang;
    const text = comment === BACK ? null : comment;
    await d.external((outer) => submitFeedback(outer.db, { applicationId, applicantId, language, ...ratings, comment: text }));
    return d.finish(d.t('bot.feedback.thanks'));
  };
}
