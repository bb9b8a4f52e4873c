/** The API checks the role and district again. */
import CheckIcon from '@mui/icons-material/Check';
import BlockIcon from '@mui/icons-material/Block';
import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import {
  Alert,
  Button as MuiButton,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  MenuItem,
  Radio,
  RadioGroup,
  TextField,
} from '@mui/material';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import { PRIORITY_REJECTION_REASONS, REFUSAL_REASONS } from '../common/enums.ts';
import type { PanelDataProvider } from '../providers/data-provider.ts';
import { errorMessage } from '../providers/http.ts';

function useAction() {
  const dataProvider = useDataProvider<PanelDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [busy, setBusy] = useState(false);
  /** `done` may depend on the answer (a first approval is not yet a decision). */
  const run = async (id: number, action: string, body: unknown, done: string | ((answer: Record<string, unknown>) => string)) => {
    setBusy(true);
    try {
      const answer = await dataProvider.action('applications', id, action, body);
      notify(typeof done === 'string' ? done : done(answer), { type: 'success' });
      refresh();
      return true;
    } catch (error) {
      const { message, args } = errorMessage(error);
      notify(message, { type: 'error', messageArgs: args });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy };
}

function ActionDialog(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  onSubmit: () => Promise<unknown>;
  busy: boolean;
  confirm: string;
  children: ReactNode;
  danger?: boolean;
}) {
  const translate = useTranslate();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void props.onSubmit();
  };
  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="sm">
      <form onSubmit={submit}>
        <DialogTitle>{translate(props.title)}</DialogTitle>
        <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: '8px !important' }}>{props.children}</DialogContent>
        <DialogActions>
          <MuiButton onClick={props.onClose}>{translate('ra.action.cancel')}</MuiButton>
          <MuiButton type="submit" variant="contained" color={props.danger ? 'error' : 'primary'} disabled={props.busy}>
            {translate(props.confirm)}
          </MuiButton>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function ReasonSelect({ value, onChange, label, reasons = REFUSAL_REASONS }: { value: string; onChange: (v: string) => void; label: string; reasons?: readonly string[] }) {
  const translate = useTranslate();
  return (
    <TextField select required label={translate(label)} value={value} onChange={(e) => onChange(e.target.value)} autoFocus name="reason">
      {reasons.map((r) => (
        <MenuItem key={r} value={r}>
          {translate(`refusalReason.${r}`)}
        </MenuItem>
      ))}
    </TextField>
  );
}

export function VerifyButton() {
  const record = useRecordContext();
  const translate = useTranslate();
  const { run, busy } = useAction();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  if (!record?.actions?.verify || !record.documents) return null;
  return (
    <>
      <Button label="admin.applications.actions.verify" onClick={() => setOpen(true)} variant="contained">
        <CheckIcon />
      </Button>
      <ActionDialog
        open={open}
        busy={busy}
        title="admin.applications.actions.verifyTitle"
        confirm="admin.applications.actions.verify"
        onClose={() => setOpen(false)}
        onSubmit={async () => (await run(record.id as number, 'verify', { note: note || null }, 'admin.applications.done.verified')) && setOpen(false)}
      >
        <div>{translate('admin.applications.actions.verifyHelp', { pending: (record.documents as { verification: string }[]).filter((d) => d.verification === 'pending').length })}</div>
        <TextField label={translate('admin.applications.actions.note')} value={note} onChange={(e) => setNote(e.target.value)} multiline minRows={2} name="note" autoFocus />
      </ActionDialog>
    </>
  );
}

export function RefuseButton() {
  const record = useRecordContext();
  const translate = useTranslate();
  const { run, busy } = useAction();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [comment, setComment] = useState('');
  if (!record?.actions?.refuse) return null;
  return (
    <>
      <Button label="admin.applications.actions.refuse" onClick={() => setOpen(true)} color="error">
        <BlockIcon />
      </Button>
      <ActionDialog
        open={open}
        busy={busy}
        danger
        title="admin.applications.actions.refuseTitle"
        confirm="admin.applications.actions.refuse"
        onClose={() => setOpen(false)}
        onSubmit={async () =>
          (await run(record.id as number, 'refuse', { reason, comment: comment || null }, 'admin.applications.done.refused')) && setOpen(false)
        }
      >
        <div>{translate('admin.applications.actions.refuseHelp')}</div>
        <ReasonSelect value={reason} onChange={setReason} label="admin.applications.actions.reason" />
        <TextField label={translate('admin.applications.actions.comment')} value={comment} onChange={(e) => setComment(e.target.value)} multiline minRows={3} name="comment" />
      </ActionDialog>
    </>
  );
}

export function PriorityButton() {
  const record = useRecordContext();
  const translate = useTranslate();
  const { run, busy } = useAction();
  const [open, setOpen] = useState(false);
  // The first approver of a claim waiting for a second approval may only deny it.
  const mayApprove = record?.actions?.approvePriority !== false;
  const [decision, setDecision] = useState<'verified' | 'rejected'>(mayApprove ? 'verified' : 'rejected');
  const [reason, setReason] = useState('');
  const [comment, setComment] = useState('');
  if (!record?.actions?.priority) return null;
  const chosen = mayApprove ? decision : 'rejected';
  return (
    <>
      <Button label="admin.applications.actions.priority" onClick={() => setOpen(true)}>
        <VerifiedUserIcon />
      </Button>
      <ActionDialog
        open={open}
        busy={busy}
        title="admin.applications.actions.priorityTitle"
        confirm="ra.action.confirm"
        onClose={() => setOpen(false)}
        onSubmit={async () =>
          (await run(
            record.id as number,
            'priority',
            { decision: chosen, reason: chosen === 'rejected' ? reason : null, comment: comment || null },
            (answer) => (answer.state === 'awaiting_second_approval' ? 'admin.applications.done.priorityFirst' : 'admin.applications.done.priority'),
          )) && setOpen(false)
        }
      >
        <div>{translate(`category.${record.priorityCategory}`)}</div>
        {record.secondApproval && (
          <Alert severity="info" data-testid="priority-second-approval">
            {translate(mayApprove ? 'admin.applications.secondApproval.youAreSecond' : 'admin.applications.secondApproval.notYou')}
          </Alert>
        )}
        <RadioGroup row value={chosen} onChange={(e) => setDecision(e.target.value as 'verified' | 'rejected')}>
          <FormControlLabel
            value="verified"
            disabled={!mayApprove}
            control={<Radio autoFocus={mayApprove} />}
            label={translate('admin.applications.actions.priorityConfirm')}
          />
          <FormControlLabel value="rejected" control={<Radio />} label={translate('admin.applications.actions.priorityDeny')} />
        </RadioGroup>
        {chosen === 'rejected' && (
          <ReasonSelect value={reason} onChange={setReason} label="admin.applications.actions.reason" reasons={PRIORITY_REJECTION_REASONS} />
        )}
        <TextField label={translate('admin.applications.actions.comment')} value={comment} onChange={(e) => setComment(e.target.value)} multiline minRows={2} name="comment" />
      </ActionDialog>
    </>
  );
}
