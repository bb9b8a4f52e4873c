/** "Call outcome" never takes the child's place away: that decision is the application's own action. */
import { Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, MenuItem, TextField as MuiTextField, Button as MuiButton } from '@mui/material';
import { useState, type FormEvent } from 'react';
import {
  Button,
  Datagrid,
  FunctionField,
  List,
  NumberField,
  ReferenceField,
  TextField,
  useDataProvider,
  useNotify,
  usePermissions,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { BilingualField, DateTimeField, EnumField, StatusChip } from '../common/fields.tsx';
import { DistrictInput, EnumInput } from '../common/inputs.tsx';
import type { PanelDataProvider } from '../providers/data-provider.ts';
import { errorMessage } from '../providers/http.ts';

export const UNREACHABLE_REASONS = ['blocked', 'deactivated', 'chat_not_found', 'forbidden'] as const;
const WHY = ['undelivered', 'unconfirmed'] as const;
const OUTCOMES = ['confirmed', 'changed', 'not_reached'] as const;

const filters = [
  <DistrictInput key="districtId" alwaysOn />,
  <EnumInput key="why" source="why" prefix="admin.unreachable.why" values={WHY} alwaysOn />,
  <EnumInput key="reason" source="reason" prefix="admin.unreachable.reasons" values={UNREACHABLE_REASONS} alwaysOn />,
];

function CallButton() {
  const record = useRecordContext();
  const translate = useTranslate();
  const dataProvider = useDataProvider<PanelDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { permissions = [] } = usePermissions<string[]>();
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('confirmed');
  const [phone, setPhone] = useState('');
  const [note, setNote] = useState('');
  if (!record || !permissions.includes('applications.intake')) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await dataProvider.action('unreachable-parents', record.id, 'call', outcome === 'changed' ? { outcome, phone, note } : { outcome, note });
      notify('admin.unreachable.call.saved', { type: 'success' });
      setOpen(false);
      refresh();
    } catch (error) {
      const { message, args } = errorMessage(error);
      notify(message, { type: 'error', messageArgs: args });
    }
  };
  return (
    <>
      <Button
        label="admin.unreachable.call.button"
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
      />
      <Dialog open={open} onClose={() => setOpen(false)} onClick={(e) => e.stopPropagation()}>
        <form onSubmit={(e) => void submit(e)}>
          <DialogTitle>{translate('admin.unreachable.call.button')}</DialogTitle>
          <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: '8px !important' }}>
            <DialogContentText>{translate('admin.unreachable.call.keepsPlace')}</DialogContentText>
            <MuiTextField select label={translate('admin.unreachable.call.outcome')} value={outcome} onChange={(e) => setOutcome(e.target.value as (typeof OUTCOMES)[number])}>
              {OUTCOMES.map((o) => (
                <MenuItem key={o} value={o}>
                  {translate(`admin.unreachable.call.outcomes.${o}`)}
                </MenuItem>
              ))}
            </MuiTextField>
            {outcome === 'changed' ? (
              <MuiTextField label={translate('admin.unreachable.call.phone')} value={phone} onChange={(e) => setPhone(e.target.value)} required />
            ) : null}
            <MuiTextField label={translate('admin.unreachable.call.note')} value={note} onChange={(e) => setNote(e.target.value)} required multiline />
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

export function UnreachableParentList() {
  return (
    <List filters={filters} sort={{ field: 'since', order: 'DESC' }}>
      <Datagrid rowClick={(id) => `/applications/${id}/show`} bulkActionButtons={false}>
        <TextField source="number" />
        <TextField source="parentName" sortable={false} />
        <TextField source="phone" sortable={false} />
        <EnumField source="why" prefix="admin.unreachable.why" sortable={false} />
        <FunctionField
          source="reason"
          sortable={false}
          render={(r: { reason: string | null; checkReason: string | null }) => <ReasonText reason={r.reason} checkReason={r.checkReason} />}
        />
        <DateTimeField source="since" />
        <DateTimeField source="checkDueAt" sortable={false} />
        <NumberField source="undelivered" sortable={false} />
        <StatusChip source="status" />
        <ReferenceField source="districtId" reference="districts" link={false} sortable={false}>
          <BilingualField source="name" />
        </ReferenceField>
        <CallButton />
      </Datagrid>
    </List>
  );
}

function ReasonText({ reason, checkReason }: { reason: string | null; checkReason: string | null }) {
  const translate = useTranslate();
  if (reason) return <>{translate(`admin.unreachable.reasons.${reason}`)}</>;
  return checkReason ? <>{translate(`admin.unreachable.checkReasons.${checkReason}`)}</> : null;
}
