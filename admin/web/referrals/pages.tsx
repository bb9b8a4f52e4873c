import { Dialog, DialogActions, DialogContent, DialogTitle, MenuItem, TextField as MuiTextField, Button as MuiButton } from '@mui/material';
import { useState, type FormEvent } from 'react';
import {
  Button,
  Datagrid,
  FunctionField,
  List,
  ReferenceField,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  ListButton,
  useDataProvider,
  useNotify,
  usePermissions,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { REFERRAL_STATUSES } from '../common/enums.ts';
import { BilingualField, DateTimeField, EnumField, StatusChip } from '../common/fields.tsx';
import { DistrictInput, EnumInput } from '../common/inputs.tsx';
import { PrintButtons, PrintIconButton } from '../common/print.tsx';
import type { PanelDataProvider } from '../providers/data-provider.ts';
import type { ReferralRecord } from '../../shared/api-types.ts';
import { errorMessage } from '../providers/http.ts';

const filters = [
  <EnumInput key="status" source="status" prefix="admin.referralStatus" values={REFERRAL_STATUSES} alwaysOn />,
  <DistrictInput key="districtId" alwaysOn />,
];

type PrintableReferral = Pick<ReferralRecord, 'id' | 'number' | 'status' | 'parentLanguage'>;
/** A referral has a document once it is issued (it keeps it after enrolment, for the record). */
const printable = (r: PrintableReferral | undefined) => !!r?.number && (r.status === 'issued' || r.status === 'enrolled');
const referralPdf = (r: { id: number }) => `/api/referrals/${r.id}/pdf`;

export function ReferralList() {
  return (
    <List filters={filters} sort={{ field: 'id', order: 'DESC' }} perPage={25}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <FunctionField source="number" sortable={false} render={(r: { number: string | null; id: number }) => r.number ?? `#${r.id}`} />
        <ReferenceField source="applicationId" reference="applications" link="show" sortable={false} />
        <FunctionField source="kindergartenNumber" sortable={false} render={(r: { kindergartenNumber: number }) => `№ ${r.kindergartenNumber}`} />
        <TextField source="groupName" sortable={false} />
        <StatusChip source="status" prefix="admin.referralStatus" />
        <DateTimeField source="offeredAt" />
        <DateTimeField source="confirmBy" />
        <DateTimeField source="presentBy" sortable={false} />
        <FunctionField label="" render={(r: PrintableReferral) => (printable(r) ? <PrintIconButton url={referralPdf(r)} label="admin.desk.print.referral" parentLanguage={r.parentLanguage} /> : null)} />
      </Datagrid>
    </List>
  );
}

function useReferralAction() {
  const dataProvider = useDataProvider<PanelDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  return async (id: number, action: string, body: unknown = {}) => {
    try {
      await dataProvider.action('referrals', id, action, body);
      notify(`admin.referrals.done.${action}`, { type: 'success' });
      refresh();
      return true;
    } catch (error) {
      const { message, args } = errorMessage(error);
      notify(message, { type: 'error', messageArgs: args });
      return false;
    }
  };
}

function ExtendButton() {
  const record = useRecordContext();
  const translate = useTranslate();
  const act = useReferralAction();
  const [open, setOpen] = useState(false);
  const [days, setDays] = useState('10');
  const [reason, setReason] = useState('');
  if (record?.status !== 'issued') return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await act(record.id as number, 'extend', { days: Number(days), reason })) setOpen(false);
  };
  return (
    <>
      <Button label="admin.referrals.actions.extend" onClick={() => setOpen(true)} />
      <Dialog open={open} onClose={() => setOpen(false)}>
        <form onSubmit={(e) => void submit(e)}>
          <DialogTitle>{translate('admin.referrals.actions.extend')}</DialogTitle>
          <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: '8px !important' }}>
            <MuiTextField type="number" label={translate('admin.referrals.days')} value={days} onChange={(e) => setDays(e.target.value)} autoFocus required />
            <MuiTextField label={translate('admin.applications.actions.reason')} value={reason} onChange={(e) => setReason(e.target.value)} required multiline />
          </DialogContent>
          <DialogActions>
            <MuiButton onClick={() => setOpen(false)}>{translate('ra.action.cancel')}</MuiButton>
            <MuiButton type="submit" variant="contained">
              {translate('ra.action.confirm')}
            </MuiButton>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}

const CHANNELS = ['phone', 'desk', 'written', 'kindergarten'] as const;

/** The API requires the grounds and the channel, and the application's history shows them. */
function DecisionButton({ action, contained }: { action: 'confirm' | 'decline' | 'enrol'; contained?: boolean }) {
  const record = useRecordContext();
  const translate = useTranslate();
  const act = useReferralAction();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [channel, setChannel] = useState(action === 'enrol' ? 'kindergarten' : '');
  const [comment, setComment] = useState('');
  if (!record) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await act(record.id as number, action, { reason, channel, comment: comment || null })) setOpen(false);
  };
  return (
    <>
      <Button label={`admin.referrals.actions.${action}`} variant={contained ? 'contained' : 'text'} onClick={() => setOpen(true)} />
      <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="sm">
        <form onSubmit={(e) => void submit(e)} data-testid={`decision-${action}`}>
          <DialogTitle>{translate(`admin.desk.decision.title.${action}`)}</DialogTitle>
          <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: '8px !important' }}>
            <div>{translate(`admin.desk.decision.help.${action}`)}</div>
            <MuiTextField select required name="channel" label={translate('admin.desk.decision.channel')} value={channel} onChange={(e) => setChannel(e.target.value)} autoFocus>
              {CHANNELS.map((c) => (
                <MenuItem key={c} value={c}>
                  {translate(`admin.desk.decision.channels.${c}`)}
                </MenuItem>
              ))}
            </MuiTextField>
            <MuiTextField required name="reason" label={translate('admin.desk.decision.reason')} helperText={translate('admin.desk.decision.reasonHelp')} value={reason} onChange={(e) => setReason(e.target.value)} multiline />
            <MuiTextField name="comment" label={translate('admin.desk.decision.comment')} value={comment} onChange={(e) => setComment(e.target.value)} multiline />
          </DialogContent>
          <DialogActions>
            <MuiButton onClick={() => setOpen(false)}>{translate('ra.action.cancel')}</MuiButton>
            <MuiButton type="submit" variant="contained" color={action === 'decline' ? 'error' : 'primary'}>
              {translate(`admin.referrals.actions.${action}`)}
            </MuiButton>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}

function Actions() {
  const record = useRecordContext<PrintableReferral>();
  const { permissions = [] } = usePermissions<string[]>();
  const can = permissions.includes('referrals.write');
  return (
    <TopToolbar>
      {printable(record) && <PrintButtons url={referralPdf(record!)} label="admin.desk.print.referral" parentLanguage={record!.parentLanguage} testId="print-referral" />}
      {can && record?.status === 'offered' && (
        <>
          <DecisionButton action="confirm" contained />
          <DecisionButton action="decline" />
        </>
      )}
      {can && record?.status === 'issued' && (
        <>
          <DecisionButton action="enrol" contained />
          <ExtendButton />
        </>
      )}
      <ListButton />
    </TopToolbar>
  );
}

export function ReferralShow() {
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <FunctionField source="number" render={(r: { number: string | null; id: number }) => r.number ?? `#${r.id}`} />
        <StatusChip source="status" prefix="admin.referralStatus" />
        <ReferenceField source="applicationId" reference="applications" link="show" />
        <TextField source="childName" />
        <FunctionField source="kindergartenName" render={(r: { kindergartenId: number }) => <a href={`#/kindergartens/${r.kindergartenId}/show`}><BilingualField source="kindergartenName" /></a>} />
        <TextField source="groupName" />
        <TextField source="birthYear" />
        <EnumField source="language" prefix="language" />
        <DateTimeField source="offeredAt" />
        <DateTimeField source="confirmBy" />
        <DateTimeField source="issuedAt" />
        <DateTimeField source="presentBy" />
        <DateTimeField source="extendedUntil" />
        <TextField source="extensions" />
        <DateTimeField source="closedAt" />
      </SimpleShowLayout>
    </Show>
  );
}
