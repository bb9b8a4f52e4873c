import { InlineKeyboard } from 'grammy';
import { cb } from '../callbacks.ts';
import { tidy } from '../keyboards/common.ts';
import type { TFunction } from 'i18next';
import type { ParentApplication } from '../../core/parent-view.ts';
import type { PositionExplanation } from '../../core/position.ts';
import type { Language, SeenEntry } from '../context.ts';
import { formatDate, formatShift } from './format.ts';

/**
 * One application as the parent sees it in "My applications": status, queue and position, who
 * is ahead by category, what changed since the last look and why, the referral, and actions.
 */
export function applicationCard(
  t: TFunction,
  lang: Language,
  app: ParentApplication,
  before: { seen: SeenEntry | undefined; explanation: PositionExplanation | null },
  openQueue: { code: string; url: string } | null = null,
): { text: string; keyboard: InlineKeyboard } {
  const name = <T extends { nameKk: string; nameRu: string }>(x: T) => (lang === 'ru' ? x.nameRu : x.nameKk);
  const lines = [
    t('bot.my.card.child', { name: app.child.fullName, iin: app.child.maskedIin }),
    t('bot.my.card.number', { number: app.number, date: formatDate(app.registeredAt) }),
    t('bot.my.card.status', { status: t(`status.${app.status}`) }),
    t('bot.my.card.queue', { district: name(app.district), year: app.birthYear, language: t(`bot.apply.language.${app.language}`) }),
  ];
  if (app.position) {
    lines.push(t('bot.my.card.position', { queueNumber: app.queueNumber ?? '—', position: app.position.position }));
    if (app.position.position > 1) lines.push(t('bot.my.card.ahead', app.position.ahead));
    const wait = app.wait;
    if (wait?.kind === 'range' && wait.fromMonths === wait.toMonths) lines.push(t('bot.my.card.waitAbout', { months: wait.fromMonths }));
    else if (wait?.kind === 'range') lines.push(t('bot.my.card.wait', { from: wait.fromMonths, to: wait.toMonths }));
    else if (wait) lines.push(t('bot.my.card.waitUnknown'));
  }
  if (openQueue) lines.push(t('bot.my.card.openQueue', openQueue));
  if (app.kindergartens.length) {
    lines.push(t('bot.my.card.kindergartens', { list: app.kindergartens.map((k, i) => `${i + 1}) ${name(k)}`).join('; ') }));
  }
  if (app.priorityCategory !== 'none') {
    lines.push(t('bot.my.card.category', { category: t(`category.${app.priorityCategory}`), proof: t(`proof.${app.priorityProof}`) }));
  }
  const cert = app.certificateWarning;
  if (cert) lines.push(t(`bot.my.card.certificate.${cert.kind}`, { validUntil: formatDate(cert.validUntil), days: cert.days }));
  const r = app.referral;
  if (r?.status === 'offered') {
    lines.push('', t('bot.my.card.offered', { kindergarten: name(r.kindergarten), address: lang === 'ru' ? r.kindergarten.addressRu : r.kindergarten.addressKk, deadline: formatDate(r.confirmBy) }));
  } else if (r?.status === 'issued') {
    lines.push(
      '',
      t('bot.my.card.issued', {
        number: r.number ?? '—',
        kindergarten: name(r.kindergarten),
        address: lang === 'ru' ? r.kindergarten.addressRu : r.kindergarten.addressKk,
        deadline: formatDate(r.extendedUntil ?? r.presentBy ?? r.confirmBy),
      }),
    );
  }
  if (app.status === 'refused' && app.refusalReason) {
    const key = `refusalReason.${app.refusalReason}`;
    lines.push(t('bot.my.card.refusal', { reason: t(key) === key ? app.refusalReason : t(key) }));
  }
  if (app.missingDocuments.length) {
    lines.push(t('bot.my.card.missing', { documents: app.missingDocuments.map((k) => t(`bot.documentKind.${k}`)).join(', ') }));
    if (app.missingDocuments.includes('priority_proof') && app.priorityProofDueAt) {
      lines.push(t('bot.my.card.proofDue', { deadline: formatDate(app.priorityProofDueAt) }));
    }
  }
  const { seen, explanation } = before;
  if (seen && seen.status !== app.status) {
    lines.push('', t('bot.my.card.statusChanged', { from: t(`status.${seen.status}`), to: t(`status.${app.status}`) }));
  } else if (explanation && seen?.position != null && seen.position !== explanation.positionNow) {
    lines.push('', t('bot.my.card.moved', { then: seen.position, now: explanation.positionNow }));
    for (const reason of explanation.reasons) {
      lines.push(t('bot.my.card.movedBecause', { reason: t(`positionReason.${reason.reason}`), shift: formatShift(reason.shift) }));
    }
    if (explanation.ownChange) lines.push(t('bot.my.card.movedBecause', { reason: t(`positionReason.${explanation.ownChange}`), shift: '' }).trim());
  }

  const kb = new InlineKeyboard();
  if (r?.status === 'offered') kb.text(t('bot.my.actions.confirmOffer'), cb.offerConfirm.encode({ applicationId: app.id })).text(t('bot.my.actions.declineOffer'), cb.offerDecline.encode({ applicationId: app.id })).row();
  if (app.actions.includes('kindergartens')) kb.text(t('bot.my.actions.kindergartens'), cb.editKindergartens.encode({ applicationId: app.id }));
  if (app.actions.includes('phone')) kb.text(t('bot.my.actions.phone'), cb.editPhone.encode({ applicationId: app.id }));
  kb.row();
  if (app.actions.includes('category')) kb.text(t('bot.my.actions.category'), cb.category.encode({ applicationId: app.id }));
  kb.row();
  if (app.actions.includes('document')) kb.text(t('bot.my.actions.document'), cb.uploadDocument.encode({ applicationId: app.id }));
  if (app.actions.includes('withdraw')) kb.text(t('bot.my.actions.withdraw'), cb.withdraw.encode({ applicationId: app.id }));
  return { text: lines.join('\n'), keyboard: tidy(kb) };
}
