import { InlineKeyboard } from 'grammy';
import type { i18n } from 'i18next';
import { CONTACT_CHECK_KIND } from '../../core/contact-checks.ts';
import type { OutboxItem } from '../../core/outbox.ts';
import { contactCheckKeyboard } from '../features/contact-check.ts';
import { formatDay } from './format.ts';

/** Kinds after which the parent is asked to rate the service (a result: registered, offered, refused). */
const RESULTS = new Set(['status_register', 'status_offer', 'status_confirm', 'status_refuse']);

/**
 * The text of an outbox row in the parent's language: notifications.<kind> with its params,
 * the reason and comment when there are any, and a note when it may repeat an earlier message.
 * A kind without a text (added in core before its translation) falls back to a generic one.
 */
export function renderNotification(instance: i18n, item: OutboxItem): { text: string; keyboard: InlineKeyboard } {
  const lng = item.language;
  const t = instance.getFixedT(lng);
  const has = (key: string) => instance.exists(key, { lng });
  const p = item.params;
  const str = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));
  const named = str(lng === 'ru' ? p.kindergartenRu : p.kindergartenKk);
  const values = {
    number: str(p.number) ?? '—',
    referral: str(p.referral) ?? '—',
    place: named ?? (str(p.kindergarten) ? `№ ${p.kindergarten}` : '—'),
    deadline: str(p.deadline) ? formatDay(String(p.deadline)) : '—',
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
  if (item.uncertain) lines.push('', t('notifications.repeat'));
  if (item.kind === CONTACT_CHECK_KIND && typeof p.checkId === 'number') return { text: lines.join('\n'), keyboard: contactCheckKeyboard(t, p.checkId) };
  const keyboard = new InlineKeyboard().text(t('notifications.open'), 'my:list');
  if (RESULTS.has(item.kind) && item.applicationId !== null) keyboard.row().text(t('bot.feedback.start'), `fb:start:${item.applicationId}`);
  return { text: lines.join('\n'), keyboard };
}
