/**
 * Changes to an existing application from "My applications": kindergartens, phone, a missing
 * document. Each checks again, through core, that this Telegram account may see the application.
 */
import { changeApplicantPhone, changeKindergartens } from '../../core/application-changes.ts';
import { attachDocument, type DocumentKind } from '../../core/attachments.ts';
import { listKindergartens } from '../../core/catalogue.ts';
import { maxDocumentMegabytes } from '../../core/documents.ts';
import { IllegalTransitionError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { listParentApplications } from '../../core/parent-view.ts';
import { assertCanSee } from '../../core/parent-visibility.ts';
import type { Policy } from '../../core/policy.ts';
import { answerData } from '../callbacks.ts';
import type { BotConversation, ConvContext } from '../context.ts';
import { grid } from '../keyboards/common.ts';
import { mainMenu } from '../keyboards/main-menu.ts';
import { BACK, Dialog, type Labels } from './kit.ts';
import { askDocument, askPhone, choice, kindergartenName, pickKindergartens } from './steps.ts';

export interface ManageDeps {
  policy: Policy;
  labels: Labels;
}

type Outcome = { ok: true } | { ok: false; code: string; params?: Record<string, string | number> };

function outcomeOf(err: unknown): Outcome {
  if (err instanceof ValidationError && err.fields[0]) return { ok: false, code: err.fields[0].code, ...(err.fields[0].params ? { params: err.fields[0].params } : {}) };
  if (err instanceof IllegalTransitionError) return { ok: false, code: 'illegal_transition' };
  if (err instanceof NotFoundError) return { ok: false, code: 'not_found' };
  throw err;
}

/** The application as the parent sees it, or null when this account may not. */
async function loadVisible(d: Dialog, applicationId: number, policy: Policy) {
  return d.external(async (outer) => {
    const apps = await listParentApplications(outer.db, outer.from!.id, policy);
    const app = apps.find((a) => a.id === applicationId);
    if (!app) return null;
    return {
      id: app.id,
      applicantId: app.applicantId,
      number: app.number,
      districtId: app.districtId,
      language: app.language,
      kindergartens: app.kindergartens,
      missing: app.missingDocuments,
      actions: app.actions,
    };
  });
}

export function createManageConversations(deps: ManageDeps) {
  const { policy, labels } = deps;

  async function editKindergartens(conversation: BotConversation, ctx: ConvContext, applicationId: number): Promise<void> {
    const d = new Dialog(conversation, ctx, labels, 'bot.manage.cancelled');
    const app = await loadVisible(d, applicationId, policy);
    if (!app || !app.actions.includes('kindergartens')) return d.finish(d.t('bot.manage.notAllowed'));
    const candidates = await d.external((outer) => listKindergartens(outer.db, app.districtId, app.language));
    const initial = app.kindergartens.map((k) => candidates.find((c) => c.id === k.id)).filter((k) => k !== undefined);
    const chosen = await pickKindergartens(d, { candidates, max: policy.maxKindergartens, initial, back: false });
    if (chosen === BACK) return d.cancel();
    const ids = chosen.map((k) => k.id);
    const result = await d.external(async (outer): Promise<Outcome> => {
      try {
        await assertCanSee(outer.db, outer.from!.id, applicationId);
        await changeKindergartens(outer.db, { applicationId, kindergartenIds: ids, actor: { type: 'parent', id: app.applicantId }, policy });
        return { ok: true };
      } catch (err) {
        return outcomeOf(err);
      }
    });
    if (!result.ok) return d.finish(d.t(`errors.${result.code}`, result.params));
    const list = chosen.map((k, i) => `${i + 1}) ${kindergartenName(k, d.ctx.lang)}`).join('\n');
    return d.finish(d.t('bot.manage.kindergartensSaved', { number: app.number, list }));
  }

  async function editPhone(conversation: BotConversation, ctx: ConvContext, applicationId: number): Promise<void> {
    const d = new Dialog(conversation, ctx, labels, 'bot.manage.cancelled');
    const app = await loadVisible(d, applicationId, policy);
    if (!app || !app.actions.includes('phone')) return d.finish(d.t('bot.manage.notAllowed'));
    const phone = await askPhone(d, { back: false });
    if (phone === BACK) return d.cancel();
    const result = await d.external(async (outer): Promise<Outcome> => {
      try {
        await assertCanSee(outer.db, outer.from!.id, applicationId);
        await changeApplicantPhone(outer.db, { applicationId, phone: phone.phone, verified: phone.verified, actor: { type: 'parent', id: app.applicantId } });
        return { ok: true };
      } catch (err) {
        return outcomeOf(err);
      }
    });
    if (!result.ok) return d.finish(d.t(`errors.${result.code}`, result.params));
    return d.finish(d.t('bot.manage.phoneSaved', { number: app.number, phone: phone.phone }));
  }

  async function uploadDocument(conversation: BotConversation, ctx: ConvContext, applicationId: number): Promise<void> {
    const d = new Dialog(conversation, ctx, labels, 'bot.manage.cancelled');
    const app = await loadVisible(d, applicationId, policy);
    if (!app || !app.actions.includes('document')) return d.finish(d.t('bot.manage.notAllowed'));
    const kinds: DocumentKind[] = [...new Set<DocumentKind>([...app.missing, 'priority_proof', 'power_of_attorney', 'birth_certificate', 'other'])];
    let kind: DocumentKind = app.missing[0] ?? 'other';
    if (app.missing.length !== 1) {
      const picked = await d.ask({
        text: (t) => t('bot.manage.documentKind', { number: app.number }),
        keyboard: (t) => grid(kinds.map((k) => ({ text: t(`bot.documentKind.${k}`), data: answerData(k) })), 1),
        nav: { back: false },
        parse: choice(Object.fromEntries(kinds.map((k) => [k, k])) as Record<string, DocumentKind>),
      });
      if (picked === BACK) return d.cancel();
      kind = picked;
    }
    const file = await askDocument(d, {
      text: (t) => t('bot.manage.documentQuestion', { kind: t(`bot.documentKind.${kind}`), max: maxDocumentMegabytes(policy) }),
      back: false,
      policy,
      store: async (outer, bytes, fileName) => {
        await assertCanSee(outer.db, outer.from!.id, applicationId);
        await attachDocument(outer.db, { applicationId, kind, fileName, bytes, actor: { type: 'parent', id: app.applicantId }, policy });
      },
    });
    if (file === BACK) return d.cancel();
    return d.finish(d.t('bot.manage.documentSaved', { number: app.number }), {
      reply_markup: mainMenu(d.t),
    });
  }

  return { editKindergartens, editPhone, uploadDocument };
}
