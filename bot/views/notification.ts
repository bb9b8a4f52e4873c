import { InlineKeyboard } from 'grammy';
import type { i18n } from 'i18next';
import { CONTACT_CHECK_KIND } from '../../core/contact-checks.ts';
import type { OutboxItem } from '../../core/outbox.ts';
import { contactCheckKeyboard } from '../features/contact-check.ts';
import { cb } from '../callbacks.ts';
import { formatDay } from './format.ts';

/**
 * The text of an outbox row in the parent's language: notifications.<kind> with its params,
 * the reason and comment when there are any, the stop list a lapse puts the child on, what to do
 * next (notifications.next.<kind>, last so the message ends with it), and a note when it may repeat.
 * A kind without a text (added in core before its translation) falls back to a generic one.
 * `askRating`: the first result of the application (core/feedback.ts ratingInvitations) also
 * invites the parent to rate the service.
 */
export function renderNotification(instance: i18n, item: OutboxItem, opts: { askRating?: boolean } = {}): { text: string; keyboard: InlineKeyboard } {
  const lng = item.language;
  const t = instance.getFixedT(lng);
  const has = (key: string) => instance.exists(key, { lng });
  const p = item.params;
  const str = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));
  const named = str(lng === 'ru' ? p.kindergartenRu : p.kindergartenKk);
  const day = (v: unknown) => (str(v) ? formatDay(String(v)) : '—');
  const values = {
    number: str(p.number) ?? '—',
    referral: str(p.referral) ?? '—',
    place: named ?? (str(p.kindergarten) ? `№ ${p.kindergarten}` : '—'),
    deadline: day(p.deadline),
    // A work certificate's end, the day to send a new one by, and how long verification takes.
    validUntil: day(p.validUntil),
    sendBy: day(p.sendBy),
    days: str(p.days) ?? '—',
    phone: str(p.phone) ?? '—',
  };
  const key = has(`notifications.${item.kind}`) ? `notifications.${item.kind}` : 'notifications.generic';
  const lines = [t(key, values)];
  const reason = str(p.reason);
  if (reason) {
    const reasonKey = [`refusalReason.${reason}`, `notifications.reasons.${reason}`].find(has);
    if (reasonKey) lines.push(t('notifications.reason', { reason: t(reasonKey) }));
  }
  const comment = str(p.comment);
  if (comment) lines.push(t('notifications.comment', { comment }));
  const stopUntil = str(p.stopUntil);
  if (stopUntil) lines.push(t('notifications.stopList', { days: str(p.stopDays) ?? '—', until: formatDay(stopUntil) }));
  if (has(`notifications.next.${item.kind}`)) lines.push('', t(`notifications.next.${item.kind}`));
  if (item.uncertain) lines.push('', t('notifications.repeat'));
  if (item.kind === CONTACT_CHECK_KIND && typeof p.checkId === 'number') return { text: lines.join('\n'), keyboard: contactCheckKeyboard(t, p.checkId) };
  const keyboard = new InlineKeyboard().text(t('notifications.open'), cb.myList.encode());
  if (opts.askRating && item.applicationId !== null) {
    lines.push('', t('bot.feedback.invite'));
    keyboard.row().text(t('bot.feedback.start'), cb.feedbackOn.encode({ applicationId: item.applicationId }));
  }
  return { text: lines.join('\n'), keyboard };
}
