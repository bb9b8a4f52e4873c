import { Alert, Box, Chip, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { useLocation } from 'react-router-dom';
import { ListButton, Show, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { PrintButtons } from '../common/print.tsx';
import { bilingual, formatDate, HeadRow, Line, Section, StatusChip, useLocale } from '../common/fields.tsx';
import type { ApplicationDetailResponse } from '../../shared/api-types.ts';
import { maskedPhone } from './format.ts';
import { PriorityButton, RefuseButton, VerifyButton } from './actions.tsx';
import { Documents } from './Documents.tsx';

function Actions() {
  return (
    <TopToolbar>
      <PrintNotice />
      <VerifyButton />
      <PriorityButton />
      <RefuseButton />
      <ListButton />
    </TopToolbar>
  );
}

function PrintNotice() {
  const r = useRecordContext<Rec>();
  if (!r?.applicant || r.queueNumber === null) return null;
  return <PrintButtons url={`/api/applications/${r.id}/notice.pdf`} label="admin.desk.print.notice" parentLanguage={r.applicant.language} testId="print-notice" />;
}

function AfterIntake() {
  const r = useRecordContext<Rec>();
  const translate = useTranslate();
  const state = useLocation().state as { intake?: boolean } | null;
  if (!state?.intake || !r || r.queueNumber === null) return null;
  return (
    <Alert severity="success" sx={{ mb: 2, alignItems: 'center' }} action={<PrintNotice />} data-testid="after-intake">
      {translate('admin.desk.print.afterIntake', { number: r.number })}
    </Alert>
  );
}

type Rec = ApplicationDetailResponse;

function Header() {
  const r = useRecordContext<Rec>();
  const translate = useTranslate();
  const locale = useLocale();
  if (!r) return null;
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2, flexWrap: 'wrap' }}>
      <Typography variant="h5">{r.number}</Typography>
      <StatusChip />
      <Chip size="small" variant="outlined" label={translate(`channel.${r.channel}`)} />
      <Typography color="text.secondary">
        {bilingual(r.district, 'name', locale)} · {r.birthYear} · {translate(`language.${r.language}`)}
      </Typography>
    </Box>
  );
}

function Child() {
  const r = useRecordContext<Rec>();
  const locale = useLocale();
  const translate = useTranslate();
  if (!r) return null;
  return (
    <Section title="admin.applications.sections.child">
      <Line label="resources.applications.fields.childName">{r.child.fullName}</Line>
      <Line label="resources.applications.fields.childIin">{r.child.iin}</Line>
      <Line label="admin.applications.birthDate">{formatDate(r.child.birthDate, locale, false)}</Line>
      <Line label="admin.applications.birthCertificate">{r.child.birthCertificateNumber}</Line>
      <Line label="resources.applications.fields.priorityCategory">
        {translate(`category.${r.priorityCategory}`)}
        {r.priorityCategory !== 'none' && ` — ${translate(`proof.${r.priorityProof}`)}`}
        {r.priorityProofValidUntil && ` (${translate('admin.applications.validUntil', { date: formatDate(r.priorityProofValidUntil, locale, false) })})`}
        {r.secondApproval && (
          <Alert severity="info" sx={{ mt: 1 }} data-testid="second-approval">
            {translate('admin.applications.secondApproval.waiting', {
              name: r.secondApproval.firstApproverName ?? `#${r.secondApproval.firstApproverId}`,
              at: formatDate(r.secondApproval.at, locale),
            })}
          </Alert>
        )}
        {r.certificateWarning && (
          <Alert severity="warning" sx={{ mt: 1 }} data-testid="certificate-warning">
            {translate(`admin.applications.certificate.${r.certificateWarning.kind}`, {
              validUntil: formatDate(r.certificateWarning.validUntil, locale, false),
              count: r.certificateWarning.days,
            })}
          </Alert>
        )}
      </Line>
      <Line label="admin.applications.kindergartens">
        {r.kindergartens.map((k, i) => (
          <div key={k.id}>
            {i + 1}. {bilingual(k, 'name', locale)}
          </div>
        ))}
      </Line>
      <Line label="admin.applications.motherWorkplace">{r.motherWorkplace}</Line>
      <Line label="admin.applications.fatherWorkplace">{r.fatherWorkplace}</Line>
    </Section>
  );
}

function People() {
  const r = useRecordContext<Rec>();
  const locale = useLocale();
  const translate = useTranslate();
  if (!r) return null;
  const a = r.applicant;
  const rep = r.representative;
  return (
    <Section title="admin.applications.sections.applicant">
      <Line label="resources.applications.fields.applicantName">{a.fullName}</Line>
      <Line label="admin.applications.iin">{a.iin}</Line>
      <Line label="admin.applications.phones">
        {(a.phones as string[]).map(maskedPhone(false)).join(', ')}
        {a.phoneVerifiedAt && ` ✓ ${translate('admin.applications.phoneVerified')}`}
      </Line>
      <Line label="admin.applications.address">{a.address}</Line>
      <Line label="admin.applications.consentAt">{formatDate(a.consentAt, locale)}</Line>
      <Line label="admin.applications.telegram">{a.telegramUserId ? translate('ra.boolean.true') : translate('ra.boolean.false')}</Line>
      <Line label="admin.applications.identityProof">{translate(`admin.applications.identityProofs.${a.identityProof}`)}</Line>
      {r.telegramUnreachable && (
        <Line label="admin.unreachable.field">
          <Chip
            size="small"
            color="warning"
            data-testid="telegram-unreachable"
            label={translate('admin.unreachable.since', {
              reason: translate(`admin.unreachable.reasons.${r.telegramUnreachable.reason}`),
              date: formatDate(r.telegramUnreachable.since, locale),
            })}
          />
        </Line>
      )}
      {rep && (
        <Box sx={{ mt: 2 }}>
          <Typography variant="subtitle1">{translate('admin.applications.sections.representative')}</Typography>
          <Line label="resources.applications.fields.applicantName">{rep.fullName}</Line>
          <Line label="admin.applications.iin">{rep.iin}</Line>
          <Line label="admin.applications.phones">{rep.phone}</Line>
          <Line label="admin.applications.poa">
            {translate('admin.applications.poaText', { number: rep.poaNumber, date: formatDate(rep.poaDate, locale, false), issuer: rep.poaIssuer })}
          </Line>
        </Box>
      )}
    </Section>
  );
}

/** Nothing was merged or overwritten; staff compare with the documents. */
function Discrepancies() {
  const r = useRecordContext<Rec>();
  const translate = useTranslate();
  if (!r || (!r.identityClaims.length && !r.submittedChild)) return null;
  return (
    <Section title="admin.applications.sections.discrepancies" testId="discrepancies">
      {r.identityClaims.length > 0 && (
        <Alert severity="warning" sx={{ mb: 1 }}>
          {translate('admin.applications.discrepancy.identity')}
        </Alert>
      )}
      {r.identityClaims.map((claim) => (
        <Box key={claim.applicantId} sx={{ mb: 1.5 }}>
          <Line label="resources.applications.fields.applicantName">{claim.fullName}</Line>
          <Line label="admin.applications.phones">{claim.phones.map(maskedPhone(false)).join(', ')}</Line>
          <Line label="admin.applications.address">{claim.address}</Line>
          <Line label="admin.applications.identityProof">
            {translate(`admin.applications.identityProofs.${claim.identityProof}`)}
            {claim.otherTelegramAccount && `, ${translate('admin.applications.discrepancy.otherTelegram')}`}
          </Line>
          <Line label="admin.applications.discrepancy.applications">
            {claim.applications.map((x, i) => (
              <span key={x.id}>
                {i > 0 && ', '}
                <a href={`#/applications/${x.id}/show`}>{x.number}</a>
              </span>
            ))}
            {claim.applicationsElsewhere > 0 && (
              <div>{translate('admin.applications.discrepancy.elsewhere', { count: claim.applicationsElsewhere })}</div>
            )}
          </Line>
          <Typography variant="body2" color="text.secondary">
            {translate('admin.applications.discrepancy.differs', {
              fields: claim.differs.map((f) => translate(`admin.applications.discrepancy.fields.${f}`)).join(', '),
            })}
          </Typography>
        </Box>
      ))}
      {r.submittedChild && (
        <Box>
          <Alert severity="warning" sx={{ mb: 1 }}>
            {translate('admin.applications.discrepancy.child')}
          </Alert>
          <Line label="resources.applications.fields.childName">{r.submittedChild.fullName}</Line>
          <Line label="admin.applications.birthCertificate">{r.submittedChild.birthCertificateNumber}</Line>
        </Box>
      )}
    </Section>
  );
}

function Queue() {
  const r = useRecordContext<Rec>();
  const locale = useLocale();
  const translate = useTranslate();
  if (!r) return null;
  const p = r.position;
  return (
    <Section title="admin.applications.sections.queue">
      <Line label="resources.applications.fields.queueNumber">{r.queueNumber}</Line>
      <Line label="resources.applications.fields.registeredAt">{formatDate(r.registeredAt, locale)}</Line>
      {r.refusalReason && (
        <Line label="admin.applications.refusal">
          {translate(`refusalReason.${r.refusalReason}`, { _: r.refusalReason })}
          {r.refusalComment && ` — ${r.refusalComment}`}
        </Line>
      )}
      {r.stopUntil && new Date(r.stopUntil) > new Date() && <Line label="admin.applications.stopUntil">{formatDate(r.stopUntil, locale)}</Line>}
      {p ? (
        <>
          <Typography variant="h4" sx={{ my: 1 }} data-testid="position">
            {translate('admin.applications.position', { position: p.position })}
          </Typography>
          <Line label="admin.applications.list">{translate(`list.${['extraordinary', 'firstPriority', 'general'][p.list]}`)}</Line>
          <Line label="admin.applications.aheadTitle">
            {translate('admin.applications.aheadBreakdown', {
              extraordinary: p.ahead.extraordinary,
              firstPriority: p.ahead.firstPriority,
              general: p.ahead.general,
            })}
          </Line>
          <Line label="admin.applications.queueTotals">
            {translate('admin.applications.aheadBreakdown', { extraordinary: p.totals.e, firstPriority: p.totals.b, general: p.totals.g })}
          </Line>
          {r.expectedWait && (
            <Line label="admin.applications.expectedWait">
              <span data-testid="expected-wait">
                {r.expectedWait.kind === 'range'
                  ? translate('admin.applications.waitRange', {
                      from: r.expectedWait.fromMonths,
                      to: r.expectedWait.toMonths,
                      places: r.expectedWait.placesLastYear,
                    })
                  : translate('admin.applications.waitUnknown', { places: r.expectedWait.placesLastYear })}
              </span>
            </Line>
          )}
          {r.ahead.length > 0 && (
            <Table size="small" sx={{ mt: 1 }}>
              <HeadRow labels={['admin.applications.nearestAhead', 'resources.applications.fields.registeredAt', 'admin.applications.list']} />
              <TableBody>
                {r.ahead.map((x) => (
                  <TableRow key={x.id}>
                    <TableCell>
                      <a href={`#/applications/${x.id}/show`}>{x.number}</a>
                    </TableCell>
                    <TableCell>{formatDate(x.registeredAt, locale)}</TableCell>
                    <TableCell>{translate(`list.${x.list}`)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </>
      ) : (
        <Typography color="text.secondary">{translate('admin.applications.notWaiting')}</Typography>
      )}
    </Section>
  );
}

function Referrals() {
  const r = useRecordContext<Rec>();
  const locale = useLocale();
  const translate = useTranslate();
  if (!r || !r.referrals.length) return null;
  return (
    <Section title="admin.applications.sections.referrals">
      <Table size="small">
        <HeadRow labels={['resources.referrals.fields.number', 'resources.referrals.fields.kindergartenNumber', 'resources.referrals.fields.groupName', 'resources.referrals.fields.status', 'resources.referrals.fields.offeredAt', 'resources.referrals.fields.confirmBy', 'resources.referrals.fields.presentBy']} />
        <TableBody>
          {r.referrals.map((x) => (
            <TableRow key={x.id}>
              <TableCell>
                <a href={`#/referrals/${x.id}/show`}>{x.number ?? `#${x.id}`}</a>
              </TableCell>
              <TableCell>№ {x.kindergartenNumber}</TableCell>
              <TableCell>{x.groupName}</TableCell>
              <TableCell>{translate(`admin.referralStatus.${x.status}`, { _: x.status })}</TableCell>
              <TableCell>{formatDate(x.offeredAt, locale)}</TableCell>
              <TableCell>{formatDate(x.confirmBy, locale)}</TableCell>
              <TableCell>{formatDate(x.extendedUntil ?? x.presentBy, locale)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Section>
  );
}

export function useActionLabel() {
  const translate = useTranslate();
  return (action: string) => translate(`admin.audit.actions.${action.replace(/\./g, '_')}`, { _: action });
}

export function useReasonLabel() {
  const translate = useTranslate();
  return (reason: string | null) =>
    reason ? translate(`refusalReason.${reason}`, { _: translate(`admin.audit.reasons.${reason}`, { _: reason }) }) : '';
}

function History() {
  const r = useRecordContext<Rec>();
  const locale = useLocale();
  const translate = useTranslate();
  const actionLabel = useActionLabel();
  const reasonLabel = useReasonLabel();
  if (!r) return null;
  return (
    <Section title="admin.applications.sections.history">
      <Table size="small">
        <HeadRow labels={['resources.audit-log.fields.at', 'resources.audit-log.fields.action', 'resources.audit-log.fields.actorName', 'resources.audit-log.fields.toState', 'resources.audit-log.fields.reason']} />
        <TableBody>
          {r.history.map((h) => {
            // A priority decision's states are the proof's (core/priority.ts), not the application's.
            const state = (v: string) => translate(`${h.action.startsWith('application.priority_') ? 'proof' : 'status'}.${v}`, { _: v });
            return (
            <TableRow key={h.id}>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDate(h.at, locale)}</TableCell>
              <TableCell>{actionLabel(h.action)}</TableCell>
              <TableCell>{h.actorName ?? translate(`admin.audit.actorTypes.${h.actorType}`)}</TableCell>
              <TableCell>
                {h.fromState && h.toState && h.fromState !== h.toState ? `${state(h.fromState)} → ${state(h.toState)}` : h.toState ? state(h.toState) : ''}
              </TableCell>
              <TableCell>
                {reasonLabel(h.reason)}
                {h.channel && <div data-testid="history-channel">{translate(`admin.desk.decision.channels.${h.channel}`, { _: h.channel })}</div>}
                {h.comment && <div style={{ color: '#555' }}>{h.comment}</div>}
              </TableCell>
            </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </Section>
  );
}

/** react-admin shows the list's row first while the full record loads: wait for the details. */
function Details() {
  const r = useRecordContext<Rec>();
  if (!r?.child) return null;
  return (
      <Box sx={{ p: 2 }}>
        <AfterIntake />
        <Header />
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '1fr 1fr' }, gap: 2 }}>
          <Box>
            <Discrepancies />
            <Child />
            <People />
          </Box>
          <Box>
            <Queue />
            <Referrals />
          </Box>
        </Box>
        <Documents />
        <History />
      </Box>
  );
}

export function ApplicationShow() {
  return (
    <Show actions={<Actions />}>
      <Details />
    </Show>
  );
}
