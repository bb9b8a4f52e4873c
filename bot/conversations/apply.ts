/**
 * The application (appendix 5) as a conversation: consent first, then one short question at a
 * time, a summary with a button to change each answer, and the registration notice
 * (appendix 4). Back and Cancel work at every step; a wrong answer gets a short explanation and
 * the same question again. Every database call goes through `external`.
 */
import { InlineKeyboard } from 'grammy';
import type { TFunction } from 'i18next';
import { checkAdultIin, checkChildIin, findActiveApplicationByChildIin, type ApplicationInput } from '../../core/applications.ts';
import { localDate } from '../../core/calendar.ts';
import { listDistricts, listKindergartens, type KindergartenChoice } from '../../core/catalogue.ts';
import { maxDocumentMegabytes } from '../../core/documents.ts';
import { ValidationError, type FieldError } from '../../core/errors.ts';
import { maskIin, normalizeIin } from '../../core/iin.ts';
import { submitFromTelegram } from '../../core/parent-actions.ts';
import { formerChildOf, lastApplicantOf, lastPlacesOf } from '../../core/parent-view.ts';
import { canSeeApplication } from '../../core/parent-visibility.ts';
import type { Policy } from '../../core/policy.ts';
import type { PriorityCategory } from '../../core/queue.ts';
import { answerData, cb } from '../callbacks.ts';
import type { BotConversation, ConvContext, Language } from '../context.ts';
import { downloadTelegramFile } from '../files.ts';
import { grid } from '../keyboards/common.ts';
import { mainMenu } from '../keyboards/main-menu.ts';
import { formatDate, formatDay, parseDay } from '../views/format.ts';
import { BACK, Dialog, fail, isAnswer, ok, textAnswer, type Answer, type Labels, type Parsed, type Question } from './kit.ts';
import { askDocument, askPhone, choice, kindergartenName, pickKindergartens, pickOne } from './steps.ts';
import { NAME_MAX, NAME_MIN, nameProblem } from '../../core/person-name.ts';

/** The answers so far; plain data, kept in the session when the parent stops. */
export interface ApplicationDraft {
  consentAt?: string;
  who?: 'parent' | 'representative';
  /** Whether the parent's details were taken from their last application ('none': there was none). */
  reuse?: 'yes' | 'no' | 'none';
  /** Whether district, language and kindergartens were taken from it ('none': nothing to take). */
  sibling?: 'yes' | 'no' | 'none';
  repIin?: string;
  repName?: string;
  poaNumber?: string;
  poaDate?: string;
  poaIssuer?: string;
  parentIin?: string;
  parentName?: string;
  phone?: string;
  phoneVerified?: boolean;
  childIin?: string;
  childBirthDate?: string;
  childName?: string;
  certificate?: string;
  districtId?: number;
  districtName?: { kk: string; ru: string };
  language?: Language;
  kindergartens?: KindergartenChoice[];
  category?: PriorityCategory;
  proof?: { fileId: string; fileName: string | null };
  /** The right is claimed now and its proof sent later, from "My applications". */
  proofLater?: boolean;
  /** Whether the child's name and certificate were taken from their withdrawn application ('none': there was none). */
  former?: 'yes' | 'no' | 'none';
  address?: string;
}

const ORDER = [
  'consent',
  'who',
  // The child's IIN right after "who": a duplicate or an age over the limit ends it before
  // anything else is typed.
  'childIin',
  'reuse',
  'repIin',
  'repName',
  'poaNumber',
  'poaDate',
  'poaIssuer',
  'parentIin',
  'parentName',
  'phone',
  'childName',
  'certificate',
  'sibling',
  'district',
  'language',
  'kindergartens',
  'category',
  'proof',
  'address',
] as const;
type StepId = (typeof ORDER)[number];
const REP_STEPS: readonly StepId[] = ['repIin', 'repName', 'poaNumber', 'poaDate', 'poaIssuer'];

function applies(step: StepId, d: ApplicationDraft): boolean {
  if (REP_STEPS.includes(step)) return d.who === 'representative';
  if (step === 'reuse') return d.who === 'parent';
  if (step === 'sibling') return d.who === 'parent' && d.reuse !== 'none';
  if (step === 'proof') return d.category !== undefined && d.category !== 'none';
  return true;
}

function complete(step: StepId, d: ApplicationDraft): boolean {
  switch (step) {
    case 'consent':
      return !!d.consentAt;
    case 'phone':
      return !!d.phone;
    case 'childIin':
      return !!d.childIin && !!d.childBirthDate;
    case 'district':
      return d.districtId !== undefined;
    case 'kindergartens':
      return !!d.kindergartens?.length;
    case 'certificate':
      return !!d.certificate;
    case 'proof':
      return d.proof !== undefined || d.proofLater === true;
    default:
      return d[step] !== undefined;
  }
}

const firstIncomplete = (d: ApplicationDraft): StepId | null => ORDER.find((s) => applies(s, d) && !complete(s, d)) ?? null;

/** Summary buttons: what each one changes. */
const EDITS: { key: string; steps: readonly StepId[]; when?: (d: ApplicationDraft) => boolean }[] = [
  { key: 'who', steps: ['who'] },
  { key: 'representative', steps: REP_STEPS, when: (d) => d.who === 'representative' },
  { key: 'parentIin', steps: ['parentIin'] },
  { key: 'parentName', steps: ['parentName'] },
  { key: 'phone', steps: ['phone'] },
  { key: 'childIin', steps: ['childIin'] },
  { key: 'childName', steps: ['childName'] },
  { key: 'certificate', steps: ['certificate'] },
  { key: 'district', steps: ['district'] },
  { key: 'language', steps: ['language'] },
  { key: 'kindergartens', steps: ['kindergartens'] },
  { key: 'category', steps: ['category'] },
  { key: 'proof', steps: ['proof'], when: (d) => applies('proof', d) },
  { key: 'address', steps: ['address'] },
];

/** A full name (core/person-name.ts); the error names what is not right. */
function nameAnswer(a: Parameters<typeof textAnswer>[0], t: TFunction): Parsed<string> {
  const text = textAnswer(a, t, { min: NAME_MIN, max: NAME_MAX });
  if (!text.ok) return text;
  const problem = nameProblem(text.value);
  return problem ? fail(t(`errors.${problem.code}`, 'params' in problem ? problem.params : {})) : text;
}

/** A day as DD.MM.YYYY; words, another shape and an impossible day each get their own answer. */
function dayAnswer(a: Parameters<typeof textAnswer>[0], t: TFunction): Parsed<string> {
  const text = textAnswer(a, t, { max: 200 });
  if (!text.ok) return text;
  const day = parseDay(text.value);
  if (day) return ok(day);
  if (/\p{L}/u.test(text.value)) return fail(t('bot.answer.dateInWords'));
  if (/^\d{1,2}[./-]\d{1,2}[./-]\d{4}$/.test(text.value)) return fail(t('bot.answer.dateImpossible', { date: text.value }));
  return fail(t('errors.date_invalid'));
}

/** A parent's, legal representative's or attorney's IIN: valid, and of someone old enough to apply. */
function adultIinAnswer(now: Date, policy: Policy) {
  return (a: Parameters<typeof textAnswer>[0], t: TFunction): Parsed<string> => {
    const text = textAnswer(a, t, { max: 40 });
    if (!text.ok) return text;
    const iin = normalizeIin(text.value);
    const error = checkAdultIin(iin, 'iin', now, policy);
    return error ? fail(t(`errors.${error.code}`, error.params)) : ok(iin);
  };
}

/**
 * A child who already has an active application: its own family sees which one; anyone else
 * learns only that there is one and where to ask (a typed IIN proves nothing).
 */
function duplicateText(
  t: TFunction,
  existing: { mine: false } | { mine: true; number: string; status: string; createdAt: string },
): string {
  if (!existing.mine) return t('bot.apply.duplicate.stranger');
  const text = t('bot.apply.duplicate.text', { number: existing.number, date: formatDate(existing.createdAt), status: t(`status.${existing.status}`) });
  return `${text}\n\n${t('bot.apply.duplicate.mine')}`;
}

const errorLine = (t: TFunction, e: FieldError) => `• ${t(`errors.${e.code}`, e.params)}`;

export interface ApplyDeps {
  policy: Policy;
  labels: Labels;
}

export function createApplyConversation(deps: ApplyDeps) {
  const { policy } = deps;
  const categories: PriorityCategory[] = ['none', ...policy.extraordinaryCategories, ...policy.firstPriorityCategories];

  return async function apply(conversation: BotConversation, ctx: ConvContext): Promise<void> {
    const draft: ApplicationDraft = {};
    const hours = policy.applicationDraftKeepHours;
    const d: Dialog = new Dialog(conversation, ctx, deps.labels, {
      cancelledKey: 'bot.apply.cancelled',
      resumeKey: 'bot.apply.resume',
      stop: {
        hasAnswers: () => Object.keys(draft).some((k) => k !== 'consentAt'),
        question: (t) => t('bot.apply.stop.question', { hours }),
        keep: async () => {
          const stoppedAt = (await d.now()).toISOString();
          const kept = structuredClone(draft);
          await d.external((outer) => {
            outer.session.stoppedApplication = { stoppedAt, draft: kept };
          });
          return d.t('bot.apply.stop.kept', { hours });
        },
      },
    });

    /**
     * An application stopped within the keep time: go on from where it stopped, or start over
     * (its answers are then dropped). Older ones are dropped unseen.
     */
    async function resumeStopped(): Promise<void> {
      const now = await d.now();
      const stopped = await d.external((outer) => {
        const kept = outer.session.stoppedApplication;
        if (kept && now.getTime() - Date.parse(kept.stoppedAt) <= hours * 3_600_000) return kept;
        delete outer.session.stoppedApplication;
        return null;
      });
      if (!stopped) return;
      const child = stopped.draft.childIin ? maskIin(stopped.draft.childIin) : null;
      const goOn = await d.ask({
        text: (t) =>
          [t('bot.apply.stop.found', { date: formatDate(stopped.stoppedAt) }), ...(child ? [t('bot.apply.stop.child', { iin: child })] : [])].join('\n'),
        keyboard: (t) => new InlineKeyboard().text(t('bot.apply.stop.continue'), answerData('yes')).row().text(t('bot.apply.stop.restart'), answerData('no')),
        nav: { back: false },
        parse: choice({ yes: true, no: false }),
      });
      // Kept until the parent chose: stopping at this question loses nothing.
      await d.external((outer) => {
        delete outer.session.stoppedApplication;
      });
      if (goOn === true) Object.assign(draft, stopped.draft);
    }

    /**
     * A typed answer's question. Asked again (Back, a change from the summary) it shows the
     * answer given and a button to keep it, so nothing has to be typed twice.
     */
    function typed(key: string, prev: string | undefined, parse: (a: Answer, t: TFunction) => Parsed<string>, shown = prev): Question<string> {
      return {
        text: (t) => (shown ? `${t(key)}\n\n${t('bot.apply.previous', { value: shown })}` : t(key)),
        ...(prev ? { keyboard: (t: TFunction) => new InlineKeyboard().text(t('bot.apply.keep'), answerData('keep')) } : {}),
        parse: (a, t) => (prev && isAnswer(a, 'keep') ? ok(prev) : parse(a, t)),
      };
    }

    /** Whether a step was asked (not skipped, not filled from the last application). */
    function asked(s: StepId): boolean {
      if (s === 'consent' || !applies(s, draft)) return false;
      if (s === 'reuse') return draft.reuse !== 'none';
      if (s === 'sibling') return draft.sibling !== 'none';
      if (draft.former === 'yes' && (s === 'childName' || s === 'certificate')) return false;
      if (draft.sibling === 'yes' && (s === 'district' || s === 'language' || s === 'kindergartens')) return false;
      const reused: readonly StepId[] = ['parentIin', 'parentName', 'phone', 'address'];
      return !(draft.reuse === 'yes' && reused.includes(s));
    }

    /** Runs one step; 'back' when the parent went back from it, 'skip' when it asked nothing. */
    async function step(id: StepId): Promise<'done' | 'back' | 'skip'> {
      const t = d.t;
      switch (id) {
        case 'consent': {
          const agreed = await d.ask({
            text: (t) => t('bot.apply.consent.text'),
            keyboard: (t) => new InlineKeyboard().text(t('bot.apply.consent.agree'), answerData('yes')).row().text(t('bot.apply.consent.decline'), answerData('no')),
            nav: { back: false, cancel: false },
            parse: choice({ yes: true, no: false }),
          });
          // Refusing stores nothing: the draft lives only in this conversation, which ends here.
          if (agreed !== true) return d.finish(t('bot.apply.consent.declined'));
          draft.consentAt = (await d.now()).toISOString();
          return 'done';
        }
        case 'who': {
          const who = await d.ask({
            text: (t) => t('bot.apply.who.question'),
            keyboard: (t) =>
              new InlineKeyboard().text(t('bot.apply.who.parent'), answerData('parent')).row().text(t('bot.apply.who.representative'), answerData('representative')),
            nav: { back: false },
            parse: choice({ parent: 'parent' as const, representative: 'representative' as const }),
          });
          if (who === BACK) return 'back';
          draft.who = who;
          return 'done';
        }
        case 'reuse':
          return reuseStep();
        case 'sibling':
          return siblingStep();
        case 'repIin': {
          const adult = adultIinAnswer(await d.now(), policy);
          const iin = await d.ask(
            typed('bot.apply.rep.iin', draft.repIin, (a, t) => {
              const parsed = adult(a, t);
              if (parsed.ok && parsed.value === draft.childIin) return fail(t('errors.iin_same_as_applicant'));
              return parsed;
            }),
          );
          if (iin === BACK) return 'back';
          draft.repIin = iin;
          return 'done';
        }
        case 'repName': {
          const name = await d.ask(typed('bot.apply.rep.name', draft.repName, nameAnswer));
          if (name === BACK) return 'back';
          draft.repName = name;
          return 'done';
        }
        case 'poaNumber': {
          const value = await d.ask(typed('bot.apply.rep.poaNumber', draft.poaNumber, (a, t) => textAnswer(a, t, { max: 64 })));
          if (value === BACK) return 'back';
          draft.poaNumber = value;
          return 'done';
        }
        case 'poaDate': {
          const today = localDate(await d.now());
          const value = await d.ask(
            typed(
              'bot.apply.rep.poaDate',
              draft.poaDate,
              (a, t) => {
                const day = dayAnswer(a, t);
                return day.ok && day.value > today ? fail(t('errors.date_in_future')) : day;
              },
              draft.poaDate && formatDay(draft.poaDate),
            ),
          );
          if (value === BACK) return 'back';
          draft.poaDate = value;
          return 'done';
        }
        case 'poaIssuer': {
          const value = await d.ask(typed('bot.apply.rep.poaIssuer', draft.poaIssuer, (a, t) => textAnswer(a, t, { min: 3, max: 300 })));
          if (value === BACK) return 'back';
          draft.poaIssuer = value;
          return 'done';
        }
        case 'parentIin': {
          const adult = adultIinAnswer(await d.now(), policy);
          const iin = await d.ask(
            typed('bot.apply.parent.iin', draft.parentIin, (a, t) => {
              const parsed = adult(a, t);
              if (parsed.ok && parsed.value === draft.childIin) return fail(t('errors.iin_same_as_applicant'));
              return parsed;
            }),
          );
          if (iin === BACK) return 'back';
          draft.parentIin = iin;
          return 'done';
        }
        case 'parentName': {
          const name = await d.ask(typed('bot.apply.parent.name', draft.parentName, nameAnswer));
          if (name === BACK) return 'back';
          draft.parentName = name;
          return 'done';
        }
        case 'phone': {
          const phone = await askPhone(d, { back: true });
          if (phone === BACK) return 'back';
          draft.phone = phone.phone;
          draft.phoneVerified = phone.verified;
          return 'done';
        }
        case 'childIin':
          return childIinStep();
        case 'childName': {
          const name = await d.ask(typed('bot.apply.child.name', draft.childName, nameAnswer));
          if (name === BACK) return 'back';
          draft.childName = name;
          return 'done';
        }
        case 'certificate': {
          const value = await d.ask(typed('bot.apply.child.certificate', draft.certificate, (a, t) => textAnswer(a, t, { min: 3, max: 64 })));
          if (value === BACK) return 'back';
          draft.certificate = value;
          return 'done';
        }
        case 'district': {
          const districts = await d.external((outer) => listDistricts(outer.db, d.ctx.lang));
          const many = new Set(districts.map((x) => x.localityKk)).size > 1;
          const id = await pickOne(d, {
            title: (t) => t('bot.apply.district.question'),
            items: districts.map((x) => ({
              id: x.id,
              label: (lang) => {
                const name = lang === 'ru' ? x.nameRu : x.nameKk;
                return many ? `${lang === 'ru' ? x.localityRu : x.localityKk}, ${name}` : name;
              },
              search: [x.nameKk, x.nameRu, x.localityKk, x.localityRu],
            })),
          });
          if (id === BACK) return 'back';
          const chosen = districts.find((x) => x.id === id)!;
          if (draft.districtId !== id) draft.kindergartens = undefined;
          draft.districtId = id;
          draft.districtName = { kk: chosen.nameKk, ru: chosen.nameRu };
          return 'done';
        }
        case 'language': {
          const language = await d.ask({
            text: (t) => t('bot.apply.language.question'),
            keyboard: (t) => new InlineKeyboard().text(t('bot.apply.language.kk'), answerData('kk')).text(t('bot.apply.language.ru'), answerData('ru')),
            parse: choice({ kk: 'kk' as const, ru: 'ru' as const }),
          });
          if (language === BACK) return 'back';
          if (draft.language !== language) draft.kindergartens = undefined;
          draft.language = language;
          return 'done';
        }
        case 'kindergartens': {
          const districtId = draft.districtId!;
          const language = draft.language!;
          const candidates = await d.external((outer) => listKindergartens(outer.db, districtId, language));
          if (candidates.length === 0) {
            await d.say(t('bot.kg.none'));
            return 'back';
          }
          const chosen = await pickKindergartens(d, { candidates, max: policy.maxKindergartens });
          if (chosen === BACK) return 'back';
          draft.kindergartens = chosen;
          return 'done';
        }
        case 'category': {
          // Official names are too long for a button: numbered in the text, short on the buttons.
          const rights = categories.filter((c) => c !== 'none');
          const category = await d.ask({
            text: (t) => [t('bot.apply.category.question'), '', ...rights.map((c, i) => `${i + 1}. ${t(`category.${c}`)}`)].join('\n'),
            keyboard: (t) =>
              grid(
                [
                  { text: t('bot.apply.category.none'), data: answerData('none') },
                  ...rights.map((c, i) => ({ text: `${i + 1}. ${t(`bot.apply.category.short.${c}`)}`, data: answerData(c) })),
                ],
                1,
              ),
            parse: choice(Object.fromEntries(categories.map((c) => [c, c])) as Record<string, PriorityCategory>),
          });
          if (category === BACK) return 'back';
          if (draft.category !== category) {
            draft.proof = undefined;
            draft.proofLater = undefined;
          }
          draft.category = category;
          return 'done';
        }
        case 'proof': {
          const file = await askDocument(d, {
            text: (t) => t('bot.apply.proof.question', { max: maxDocumentMegabytes(policy), days: policy.priorityProofSendDays }),
            back: true,
            policy,
            laterKey: 'bot.apply.proof.later',
          });
          if (file === BACK) return 'back';
          if (file === 'later') {
            draft.proof = undefined;
            draft.proofLater = true;
            return 'done';
          }
          draft.proof = file;
          draft.proofLater = undefined;
          await d.say(t('bot.apply.proof.received'));
          return 'done';
        }
        case 'address': {
          const address = await d.ask(typed('bot.apply.address.question', draft.address, (a, t) => textAnswer(a, t, { min: 5, max: 500 })));
          if (address === BACK) return 'back';
          draft.address = address;
          return 'done';
        }
      }
    }

    /**
     * A parent applying for another child: their own details (IIN, name, phone, address) from
     * the last application this account made, instead of typing them again.
     */
    async function reuseStep(): Promise<'done' | 'back' | 'skip'> {
      const known = await d.external((outer) => lastApplicantOf(outer.db, outer.from!.id));
      if (!known) {
        draft.reuse = 'none';
        return 'skip';
      }
      const answer = await d.ask({
        text: (t) =>
          [
            t('bot.apply.reuse.question'),
            '',
            t('bot.apply.reuse.parent', { name: known.fullName, iin: maskIin(known.iin) }),
            ...(known.phone ? [t('bot.apply.reuse.phone', { phone: known.phone })] : []),
            ...(known.address ? [t('bot.apply.reuse.address', { address: known.address })] : []),
          ].join('\n'),
        keyboard: (t) => new InlineKeyboard().text(t('bot.apply.reuse.yes'), answerData('yes')).row().text(t('bot.apply.reuse.no'), answerData('no')),
        parse: choice({ yes: true, no: false }),
      });
      if (answer === BACK) return 'back';
      draft.reuse = answer ? 'yes' : 'no';
      if (answer) {
        draft.parentIin = known.iin;
        draft.parentName = known.fullName;
        if (known.phone) {
          draft.phone = known.phone;
          draft.phoneVerified = known.phoneVerified;
        }
        if (known.address) draft.address = known.address;
      }
      return 'done';
    }

    /**
     * A sibling: the district, language and kindergartens of this account's last application,
     * those kindergartens that still take children in that language.
     */
    async function siblingStep(): Promise<'done' | 'back' | 'skip'> {
      const last = await d.external(async (outer) => {
        const places = await lastPlacesOf(outer.db, outer.from!.id);
        if (!places) return null;
        const district = (await listDistricts(outer.db)).find((x) => x.id === places.districtId);
        const candidates = await listKindergartens(outer.db, places.districtId, places.language);
        const kindergartens = places.kindergartenIds.map((id) => candidates.find((k) => k.id === id)).filter((k) => k !== undefined);
        if (!district || kindergartens.length === 0) return null;
        return { ...places, districtName: { kk: district.nameKk, ru: district.nameRu }, kindergartens };
      });
      if (!last) {
        draft.sibling = 'none';
        return 'skip';
      }
      const answer = await d.ask({
        text: (t) => {
          const lang = d.ctx.lang;
          const kgs = last.kindergartens.map((k, i) => `${i + 1}) ${kindergartenName(k, lang)}`).join('; ');
          return [
            t('bot.apply.sibling.question'),
            t('bot.apply.sibling.child', { child: last.childName }),
            '',
            `${t('bot.apply.summary.district')}: ${last.districtName[lang]}`,
            `${t('bot.apply.summary.language')}: ${t(`bot.apply.language.${last.language}`)}`,
            `${t('bot.apply.summary.kindergartens')}: ${kgs}`,
          ].join('\n');
        },
        keyboard: (t) => new InlineKeyboard().text(t('bot.apply.sibling.yes'), answerData('yes')).row().text(t('bot.apply.sibling.no'), answerData('no')),
        parse: choice({ yes: true, no: false }),
      });
      if (answer === BACK) return 'back';
      draft.sibling = answer ? 'yes' : 'no';
      if (answer) {
        draft.districtId = last.districtId;
        draft.districtName = last.districtName;
        draft.language = last.language;
        draft.kindergartens = last.kindergartens;
      }
      return 'done';
    }

    /** The child's IIN: valid, under the age limit, no active application; birth date confirmed. */
    async function childIinStep(): Promise<'done' | 'back'> {
      for (;;) {
        const now = await d.now();
        const prev = draft.childIin && draft.childBirthDate ? { iin: draft.childIin, birthDate: draft.childBirthDate } : null;
        const child = await d.ask<{ iin: string; birthDate: string } | 'keep'>({
          text: (t) => (prev ? `${t('bot.apply.child.iin')}\n\n${t('bot.apply.previous', { value: prev.iin })}` : t('bot.apply.child.iin')),
          ...(prev ? { keyboard: (t: TFunction) => new InlineKeyboard().text(t('bot.apply.keep'), answerData('keep')) } : {}),
          parse: (a, t) => {
            if (prev && isAnswer(a, 'keep')) return ok('keep' as const);
            const text = textAnswer(a, t, { max: 40 });
            if (!text.ok) return text;
            const iin = normalizeIin(text.value);
            const check = checkChildIin(iin, now, policy);
            if ('code' in check) return fail(t(`errors.${check.code}`, check.params));
            if (iin === draft.parentIin || iin === draft.repIin) return fail(t('errors.iin_same_as_applicant'));
            return ok({ iin, birthDate: check.birthDate });
          },
        });
        if (child === BACK) return 'back';
        if (child === 'keep') return 'done';
        const existing = await d.external(async (outer) => {
          const app = await findActiveApplicationByChildIin(outer.db, child.iin);
          if (!app) return null;
          // Another family's application: not even its number enters this conversation.
          if (!(await canSeeApplication(outer.db, outer.from!.id, app.id))) return { mine: false as const };
          return { mine: true as const, number: app.number, status: app.status, createdAt: app.createdAt.toISOString() };
        });
        if (existing) return d.finish(duplicateText(d.t, existing));
        const confirmed = await d.ask({
          text: (t) => t('bot.apply.child.birthDate', { date: formatDay(child.birthDate) }),
          keyboard: (t) => new InlineKeyboard().text(t('bot.apply.child.yes'), answerData('yes')).text(t('bot.apply.child.no'), answerData('no')),
          parse: choice({ yes: true, no: false }),
        });
        if (confirmed === true) {
          if (draft.childIin !== child.iin) {
            if (draft.former === 'yes') draft.childName = draft.certificate = undefined;
            draft.former = undefined;
          }
          draft.childIin = child.iin;
          draft.childBirthDate = child.birthDate;
          if ((await formerChildStep(child.iin)) === 'back') continue;
          return 'done';
        }
      }
    }

    /**
     * The same child applied for before and withdrawn: their name and certificate from that
     * application instead of typing them again ('back' asks the IIN again).
     */
    async function formerChildStep(childIin: string): Promise<'done' | 'back'> {
      if (draft.former !== undefined) return 'done';
      const former = await d.external((outer) => formerChildOf(outer.db, outer.from!.id, childIin));
      if (!former?.certificate) {
        draft.former = 'none';
        return 'done';
      }
      const certificate = former.certificate;
      const answer = await d.ask({
        text: (t) =>
          [t('bot.apply.former.question'), '', t('bot.apply.former.child', { name: former.fullName }), t('bot.apply.former.certificate', { certificate })].join('\n'),
        keyboard: (t) => new InlineKeyboard().text(t('bot.apply.former.yes'), answerData('yes')).row().text(t('bot.apply.former.no'), answerData('no')),
        parse: choice({ yes: true, no: false }),
      });
      if (answer === BACK) return 'back';
      draft.former = answer ? 'yes' : 'no';
      if (answer) {
        draft.childName = former.fullName;
        draft.certificate = certificate;
      }
      return 'done';
    }

    function summaryText(t: TFunction, lang: Language): string {
      const none = t('bot.apply.summary.missing');
      const v = (x: string | undefined) => x ?? none;
      const lines = [t('bot.apply.summary.title'), ''];
      lines.push(`${t('bot.apply.summary.who')}: ${draft.who ? t(`bot.apply.who.${draft.who}`) : none}`);
      if (draft.who === 'representative') {
        lines.push(`${t('bot.apply.summary.representative')}: ${v(draft.repName)}, ${t('bot.apply.summary.iin')} ${v(draft.repIin)}`);
        lines.push(
          `${t('bot.apply.summary.poa')}: № ${v(draft.poaNumber)}, ${draft.poaDate ? formatDay(draft.poaDate) : none}, ${v(draft.poaIssuer)}`,
        );
      }
      lines.push(`${t('bot.apply.summary.parent')}: ${v(draft.parentName)}, ${t('bot.apply.summary.iin')} ${v(draft.parentIin)}`);
      lines.push(
        `${t('bot.apply.summary.phone')}: ${v(draft.phone)}${draft.phoneVerified ? ` (${t('bot.apply.summary.phoneVerified')})` : ''}`,
      );
      lines.push(
        `${t('bot.apply.summary.child')}: ${v(draft.childName)}, ${t('bot.apply.summary.iin')} ${v(draft.childIin)}, ${t('bot.apply.summary.born')} ${
          draft.childBirthDate ? formatDay(draft.childBirthDate) : none
        }`,
      );
      lines.push(`${t('bot.apply.summary.certificate')}: ${v(draft.certificate)}`);
      lines.push(`${t('bot.apply.summary.district')}: ${draft.districtName ? draft.districtName[lang] : none}`);
      lines.push(`${t('bot.apply.summary.language')}: ${draft.language ? t(`bot.apply.language.${draft.language}`) : none}`);
      const kgs = draft.kindergartens?.map((k, i) => `${i + 1}) ${kindergartenName(k, lang)}`).join('; ');
      lines.push(`${t('bot.apply.summary.kindergartens')}: ${kgs || none}`);
      const category = draft.category === undefined ? none : draft.category === 'none' ? t('bot.apply.category.none') : t(`category.${draft.category}`);
      lines.push(`${t('bot.apply.summary.category')}: ${category}`);
      if (applies('proof', draft)) {
        const proof = draft.proof ? t('bot.apply.summary.attached') : draft.proofLater ? t('bot.apply.summary.later') : none;
        lines.push(`${t('bot.apply.summary.proof')}: ${proof}`);
      }
      lines.push(`${t('bot.apply.summary.address')}: ${v(draft.address)}`);
      lines.push('', t('bot.apply.summary.hint'));
      return lines.join('\n');
    }

    /** The summary: Confirm, or the steps to run again. */
    async function summary(): Promise<'confirm' | readonly StepId[]> {
      const edits = EDITS.filter((e) => !e.when || e.when(draft));
      const result = await d.ask<'confirm' | readonly StepId[]>({
        text: (t) => summaryText(t, d.ctx.lang),
        keyboard: (t) =>
          grid(
            edits.map((e) => ({ text: `✏️ ${t(`bot.apply.edit.${e.key}`)}`, data: cb.edit.encode({ step: e.key }) })),
            2,
          )
            .row()
            .text(t('bot.apply.summary.confirm'), answerData('confirm')),
        nav: { back: false },
        parse: (a, t) => {
          if (isAnswer(a, 'confirm')) return ok('confirm' as const);
          const step = a.kind === 'button' ? cb.edit.decode(a.data)?.step : undefined;
          const edit = step === undefined ? undefined : edits.find((e) => e.key === step);
          return edit ? ok(edit.steps) : fail(t('bot.nav.useButtons'));
        },
      });
      return result === BACK ? 'confirm' : result;
    }

    function formInput(telegramUserId: number, lang: Language): ApplicationInput {
      return {
        applicant: {
          iin: draft.parentIin!,
          fullName: draft.parentName!,
          phones: [draft.phone!],
          phoneVerified: draft.phoneVerified ?? false,
          address: draft.address!,
          language: lang,
          consentAt: draft.consentAt!,
        },
        representative:
          draft.who === 'representative'
            ? {
                iin: draft.repIin!,
                fullName: draft.repName!,
                phone: draft.phoneVerified ? draft.phone! : null,
                telegramUserId,
                poaNumber: draft.poaNumber!,
                poaDate: draft.poaDate!,
                poaIssuer: draft.poaIssuer!,
              }
            : null,
        child: {
          iin: draft.childIin!,
          fullName: draft.childName!,
          birthDate: draft.childBirthDate!,
          birthCertificateNumber: draft.certificate!,
        },
        districtId: draft.districtId!,
        language: draft.language!,
        kindergartenIds: draft.kindergartens!.map((k) => k.id),
        priorityCategory: draft.category ?? 'none',
        channel: 'bot',
      };
    }

    async function submit(): Promise<'done' | 'invalid'> {
      const now = await d.now();
      const lang = d.ctx.lang;
      const result = await d.external(async (outer) => {
        const uid = outer.from!.id;
        const documents = [];
        let proofLost = false;
        if (draft.proof && applies('proof', draft)) {
          try {
            const bytes = await downloadTelegramFile(outer, draft.proof.fileId, policy.maxDocumentBytes);
            documents.push({ kind: 'priority_proof' as const, fileName: draft.proof.fileName, bytes });
          } catch (err) {
            outer.logger.warn({ err }, 'priority proof could not be fetched again at submission');
            proofLost = true;
          }
        }
        try {
          const r = await submitFromTelegram(outer.db, { input: formInput(uid, lang), telegramUserId: uid, documents, policy, now });
          if (!r.created && !r.visible) return { status: 'stranger' as const };
          return {
            status: 'ok' as const,
            created: r.created,
            id: r.application.id,
            number: r.application.number,
            appStatus: r.application.status,
            queueNumber: r.application.queueNumber,
            registeredAt: r.application.registeredAt.toISOString(),
            position: r.position,
            proofMissing: proofLost || r.rejectedDocuments.length > 0,
            proofDueAt: r.proofDueAt?.toISOString() ?? null,
          };
        } catch (err) {
          if (err instanceof ValidationError) return { status: 'invalid' as const, errors: err.fields };
          throw err;
        }
      });
      const t = d.t;
      if (result.status === 'invalid') {
        await d.say([t('bot.apply.invalid'), ...result.errors.map((e) => errorLine(t, e))].join('\n'));
        return 'invalid';
      }
      if (result.status === 'stranger') return d.finish(duplicateText(t, { mine: false }));
      if (!result.created) {
        return d.finish(duplicateText(t, { mine: true, number: result.number, status: result.appStatus, createdAt: result.registeredAt }));
      }
      const lines: string[] = [];
      if (result.appStatus === 'registered') {
        lines.push(
          t('bot.apply.notice', {
            parent: draft.parentName,
            child: draft.childName,
            date: formatDate(result.registeredAt),
            queueNumber: result.queueNumber ?? '—',
            number: result.number,
            position: result.position ?? '—',
          }),
        );
      } else {
        lines.push(t('bot.apply.received', { number: result.number, minutes: policy.resultDeadlineMinutes }));
      }
      if (result.proofMissing) lines.push('', t('bot.apply.proofMissing'));
      if (result.proofDueAt) lines.push('', t('bot.apply.proofLater', { deadline: formatDate(result.proofDueAt) }));
      // No rating yet: nothing has happened to the application; the first result asks (core/feedback.ts).
      await d.say(lines.join('\n'), { reply_markup: mainMenu(t) });
      return 'done';
    }

    await resumeStopped();
    // Fill in order; after the summary, run only the chosen steps and whatever they left empty.
    let cursor: StepId | 'summary' = firstIncomplete(draft) ?? 'summary';
    // Back from where a resumed application goes on: to the answers given before it.
    const history: StepId[] = cursor === 'summary' ? [] : ORDER.slice(0, ORDER.indexOf(cursor)).filter(asked);
    let pending: StepId[] = [];
    let editing = false;
    for (;;) {
      if (cursor === 'summary') {
        const choice = await summary();
        if (choice === 'confirm') {
          const missing = firstIncomplete(draft);
          if (missing) {
            editing = true;
            cursor = missing;
            continue;
          }
          if ((await submit()) === 'done') return;
          continue;
        }
        editing = true;
        pending = choice.filter((s) => applies(s, draft)).slice(1);
        cursor = choice[0]!;
        continue;
      }
      const result = await step(cursor);
      if (result === 'back') {
        if (editing) {
          pending = [];
          cursor = 'summary';
        } else {
          cursor = history.pop() ?? cursor;
        }
        continue;
      }
      // A step that asked nothing is not a step to go back to.
      if (!editing && result === 'done') history.push(cursor);
      cursor = pending.shift() ?? firstIncomplete(draft) ?? 'summary';
    }
  };
}
