import { Card, CardContent, Chip, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { useLocaleState, useRecordContext, useTranslate } from 'react-admin';
import { formatDate as formatInstantDay, formatDateTime, formatDay } from '../../../core/format.ts';

export function useLocale(): 'kk' | 'ru' {
  const [locale] = useLocaleState();
  return locale === 'ru' ? 'ru' : 'kk';
}

export function bilingual(record: Record<string, unknown> | undefined, base: string, locale: 'kk' | 'ru'): string {
  if (!record) return '';
  const value = record[`${base}${locale === 'kk' ? 'Kk' : 'Ru'}`];
  return typeof value === 'string' ? value : '';
}

export function BilingualField({ source, label: _label }: { source: string; label?: string; sortable?: boolean }) {
  const record = useRecordContext();
  const locale = useLocale();
  return (
    <Typography variant="body2" component="span">
      {bilingual(record, source, locale)}
    </Typography>
  );
}

export function EnumField({ source, prefix }: { source: string; prefix: string; label?: string; sortable?: boolean }) {
  const record = useRecordContext();
  const translate = useTranslate();
  const value = record?.[source];
  if (value === null || value === undefined || value === '') return null;
  const text = Array.isArray(value)
    ? value.map((v) => translate(`${prefix}.${v}`, { _: String(v) })).join(', ')
    : translate(`${prefix}.${value}`, { _: String(value) });
  return (
    <Typography variant="body2" component="span">
      {text}
    </Typography>
  );
}

const STATUS_COLORS: Record<string, 'default' | 'primary' | 'success' | 'warning' | 'error' | 'info'> = {
  submitted: 'warning',
  registered: 'primary',
  offered: 'info',
  referred: 'info',
  enrolled: 'success',
  refused: 'error',
  withdrawn: 'default',
  lapsed: 'default',
  pending: 'warning',
  verified: 'success',
  rejected: 'error',
  expired: 'default',
  issued: 'info',
  declined: 'default',
  cancelled: 'default',
};

export function StatusChip({ source = 'status', prefix = 'status' }: { source?: string; prefix?: string; label?: string; sortable?: boolean }) {
  const record = useRecordContext();
  const translate = useTranslate();
  const value = record?.[source];
  if (typeof value !== 'string') return null;
  return <Chip size="small" color={STATUS_COLORS[value] ?? 'default'} label={translate(`${prefix}.${value}`, { _: value })} />;
}

export function Line({ label, children }: { label: string; children: ReactNode }) {
  const translate = useTranslate();
  if (children === null || children === undefined || children === '') return null;
  return (
    <div style={{ display: 'flex', gap: 12, padding: '3px 0' }}>
      <div style={{ minWidth: 220, color: '#666' }}>{translate(label)}</div>
      <div style={{ overflowWrap: 'anywhere' }}>{children}</div>
    </div>
  );
}

/** A bare day (a birth date) is written as it is, never shifted through a time zone. */
export function formatDate(value: string | Date | null | undefined, _locale?: 'kk' | 'ru', withTime = true): string {
  if (!value) return '';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDay(value);
  return withTime ? formatDateTime(value) : formatInstantDay(value);
}

export function DateTimeField({ source, showTime = true }: { source: string; showTime?: boolean; label?: string; sortable?: boolean }) {
  const record = useRecordContext();
  const locale = useLocale();
  return (
    <Typography variant="body2" component="span">
      {formatDate(record?.[source] as string | null, locale, showTime)}
    </Typography>
  );
}

export function Section({ title, children, testId }: { title?: string; children: ReactNode; testId?: string }) {
  const translate = useTranslate();
  return (
    <Card variant="outlined" sx={{ mb: 2 }} data-testid={testId}>
      <CardContent>
        {title && (
          <Typography variant="h6" gutterBottom>
            {translate(title)}
          </Typography>
        )}
        {children}
      </CardContent>
    </Card>
  );
}

export function HeadRow({ labels }: { labels: string[] }) {
  const translate = useTranslate();
  return (
    <TableHead>
      <TableRow>
        {labels.map((label) => (
          <TableCell key={label}>{translate(label)}</TableCell>
        ))}
      </TableRow>
    </TableHead>
  );
}
