/**
 * Offers and referrals: who got which seat, the deadlines, and the steps staff take for a
 * parent who phones or comes in (confirm or decline the offer, extend once, record enrolment).
 */
import { Dialog, DialogActions, DialogContent, DialogTitle, TextField as MuiTextField, Button as MuiButton } from '@mui/material';
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
import { DateTimeField, EnumField, StatusChip } from '../common/fields.tsx';
import { DistrictInput, EnumInput } from '../common/inputs.tsx';
import type { PanelDataProvider } from '../providers/data-provider.ts';
import { errorMessage } from '../providers/http.ts';

const filters = [
  <EnumInput key="status" source="status" prefix="admin.referralStatus" values={REFERRAL_STATUSES} alwaysOn />,
  <DistrictInput key="districtId" alwaysOn />,
];

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

function Actions() {
  const record = useRecordContext();
  const { permissions = [] } = usePermissions<string[]>();
  const act = useReferralAction();
  const can = permissions.includes('referrals.write');
  return (
    <TopToolbar>
      {can && record?.status === 'offered' && (
        <>
          <Button label="admin.referrals.actions.confirm" variant="contained" onClick={() => void act(record.id as number, 'confirm')} />
          <Button label="admin.referrals.actions.decline" onClick={() => void act(record.id as number, 'decline')} />
        </>
      )}
      {can && record?.status === 'issued' && (
        <>
          <Button label="admin.referrals.actions.enrol" variant="contained" onClick={() => void act(record.id as number, 'enrol')} />
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
        <ReferenceField source="kindergartenId" reference="kindergartens" link="show" />
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
