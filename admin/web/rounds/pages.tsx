/** core/rounds.ts decides; the panel shows. */
import DoneAllIcon from '@mui/icons-material/DoneAll';
import PreviewIcon from '@mui/icons-material/Preview';
import { Alert, Box, Chip, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import {
  Button,
  Confirm,
  Create,
  CreateButton,
  Datagrid,
  List,
  ListButton,
  NumberField,
  required,
  SaveButton,
  Show,
  SimpleForm,
  TextField,
  Toolbar,
  TopToolbar,
  useDataProvider,
  useGetIdentity,
  useNotify,
  usePermissions,
  useRecordContext,
  useRedirect,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { allocationRounds } from '../../../db/schema/referrals.ts';
import type { RoundRecord as RoundDetail } from '../../shared/api-types.ts';
import { bilingual, DateTimeField, formatDate, HeadRow, Line, Section, useLocale } from '../common/fields.tsx';
import { DistrictInput, EnumInput } from '../common/inputs.tsx';
import type { PanelDataProvider, RoundRules } from '../providers/data-provider.ts';
import { errorMessage } from '../providers/http.ts';

const ROUND_STATUSES = allocationRounds.status.enumValues;
type RoundStatus = (typeof ROUND_STATUSES)[number];

/** A round of the list, or of /api/rounds/:id with its offers and the children left out. */
type Detailed = 'offered' | 'offers' | 'skippedChildren' | 'droppedChildren';
type RoundRecord = Omit<RoundDetail, Detailed> & Partial<Pick<RoundDetail, Detailed>>;

const STATUS_COLORS: Record<RoundStatus, 'warning' | 'success' | 'default'> = { preview: 'warning', committed: 'success', discarded: 'default' };

function RoundStatusChip(_props: { source?: string; label?: string; sortable?: boolean }) {
  const r = useRecordContext<RoundRecord>();
  const translate = useTranslate();
  if (!r) return null;
  return <Chip size="small" color={STATUS_COLORS[r.status]} label={translate(`admin.rounds.status.${r.status}`)} />;
}

function DistrictName(_props: { source?: string; label?: string; sortable?: boolean }) {
  const r = useRecordContext<RoundRecord>();
  const locale = useLocale();
  return <span>{bilingual(r as unknown as Record<string, unknown>, 'districtName', locale)}</span>;
}

const filters = [
  <DistrictInput key="districtId" alwaysOn />,
  <EnumInput key="status" source="status" prefix="admin.rounds.status" values={ROUND_STATUSES} alwaysOn />,
];

function ListActions() {
  const { permissions = [] } = usePermissions<string[]>();
  return <TopToolbar>{permissions.includes('referrals.write') && <CreateButton label="admin.rounds.new" />}</TopToolbar>;
}

export function RoundList() {
  return (
    <List filters={filters} actions={<ListActions />} sort={{ field: 'id', order: 'DESC' }} perPage={25} empty={false}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="id" />
        <DistrictName source="districtId" label="resources.rounds.fields.districtId" sortable={false} />
        <RoundStatusChip source="status" label="resources.rounds.fields.status" />
        <DateTimeField source="createdAt" />
        <TextField source="createdByName" sortable={false} />
        <NumberField source="seats" sortable={false} />
        <NumberField source="children" sortable={false} />
        <NumberField source="skipped" sortable={false} />
        <DateTimeField source="committedAt" />
      </Datagrid>
    </List>
  );
}

export function RoundCreate() {
  const translate = useTranslate();
  const notify = useNotify();
  const redirect = useRedirect();
  const { identity } = useGetIdentity();
  const roles = (identity?.roles ?? []) as string[];
  const own = identity && !roles.includes('admin') ? { id: identity.districtIds as number[] } : undefined;
  // A refusal (the August freeze) stays on the page, not only in a notification that fades.
  const [refusal, setRefusal] = useState<{ message: string; args: Record<string, unknown> } | null>(null);
  const dataProvider = useDataProvider<PanelDataProvider>();
  const [rules, setRules] = useState<RoundRules | null>(null);
  useEffect(() => {
    let live = true;
    dataProvider.roundRules().then((r) => live && setRules(r), () => undefined);
    return () => {
      live = false;
    };
  }, [dataProvider]);
  return (
    <Create
      title="admin.rounds.new"
      mutationOptions={{
        onSuccess: (data: RoundRecord) => {
          notify('admin.rounds.previewed', { type: 'success', messageArgs: { children: data.children, seats: data.seats } });
          redirect('show', 'rounds', data.id);
        },
        onError: (error: unknown) => {
          const { message, args } = errorMessage(error);
          setRefusal({ message, args });
          notify(message, { type: 'error', messageArgs: args });
        },
      }}
    >
      <SimpleForm
        toolbar={
          <Toolbar>
            <SaveButton label="admin.rounds.preview" icon={<PreviewIcon />} alwaysEnable />
          </Toolbar>
        }
      >
        {rules && (
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2, maxWidth: 720 }} data-testid="round-help">
            {translate('admin.rounds.help', { general: rules.generalPerBeneficiary })}
          </Typography>
        )}
        {refusal && (
          <Alert severity="warning" sx={{ mb: 2, maxWidth: 720 }} data-testid="round-refused">
            {translate(refusal.message, refusal.args)}
          </Alert>
        )}
        <DistrictInput validate={required()} filter={own} label="resources.rounds.fields.districtId" />
      </SimpleForm>
    </Create>
  );
}

function CommitButton() {
  const r = useRecordContext<RoundRecord>();
  const { permissions = [] } = usePermissions<string[]>();
  const dataProvider = useDataProvider<PanelDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  if (!r || r.status !== 'preview' || !permissions.includes('referrals.write')) return null;
  const commit = async () => {
    setPending(true);
    try {
      const res = await dataProvider.action<{ changes: { offered: number; dropped: number } }>('rounds', r.id, 'commit');
      notify(res.changes.dropped ? 'admin.rounds.committedChanged' : 'admin.rounds.committed', { type: 'success', messageArgs: res.changes });
      refresh();
    } catch (error) {
      const { message, args } = errorMessage(error);
      notify(message, { type: 'error', messageArgs: args });
    } finally {
      setPending(false);
      setOpen(false);
    }
  };
  return (
    <>
      <Button label="admin.rounds.commit" variant="contained" disabled={pending || r.children === 0} onClick={() => setOpen(true)}>
        <DoneAllIcon />
      </Button>
      <Confirm
        isOpen={open}
        loading={pending}
        title="admin.rounds.commitTitle"
        content="admin.rounds.commitConfirm"
        contentTranslateOptions={{ children: r.children, seats: r.seats }}
        confirm="admin.rounds.commit"
        onConfirm={() => void commit()}
        onClose={() => setOpen(false)}
      />
    </>
  );
}

function ShowActions() {
  return (
    <TopToolbar>
      <CommitButton />
      <ListButton />
    </TopToolbar>
  );
}

const appLink = (id: number, number: string | null) => (
  <a href={`#/applications/${id}/show`} style={{ whiteSpace: 'nowrap' }}>
    {number ?? `#${id}`}
  </a>
);

function Summary() {
  const r = useRecordContext<RoundRecord>();
  const translate = useTranslate();
  const locale = useLocale();
  if (!r) return null;
  return (
    <Section testId="round-summary">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 1 }}>
        <Typography variant="h5">{translate('admin.rounds.title', { id: r.id })}</Typography>
        <RoundStatusChip />
      </Box>
      <Line label="resources.rounds.fields.districtId">{bilingual(r as unknown as Record<string, unknown>, 'districtName', locale)}</Line>
      <Line label="resources.rounds.fields.createdAt">{formatDate(r.createdAt, locale)}</Line>
      <Line label="resources.rounds.fields.createdByName">{r.createdByName}</Line>
      <Line label="resources.rounds.fields.seats">{String(r.seats)}</Line>
      <Line label="resources.rounds.fields.children">{String(r.children)}</Line>
      <Line label="resources.rounds.fields.skipped">{String(r.skipped)}</Line>
      {r.status === 'committed' && (
        <>
          <Line label="resources.rounds.fields.committedAt">{formatDate(r.committedAt, locale)}</Line>
          <Line label="resources.rounds.fields.offered">{String(r.offered ?? 0)}</Line>
          <Line label="resources.rounds.fields.dropped">{String(r.dropped)}</Line>
        </>
      )}
      {r.status === 'preview' && (
        <Alert severity="info" sx={{ mt: 1 }}>
          {translate('admin.rounds.previewNote')}
        </Alert>
      )}
    </Section>
  );
}

function Offers() {
  const r = useRecordContext<RoundRecord>();
  const translate = useTranslate();
  const locale = useLocale();
  if (!r?.offers) return null;
  return (
    <Section title={r.status === 'committed' ? 'admin.rounds.sections.offered' : 'admin.rounds.sections.offers'} testId="round-offers">
      {r.offers.length === 0 ? (
        <Typography color="text.secondary">{translate(r.seats ? 'admin.rounds.nobody' : 'admin.rounds.noSeats')}</Typography>
      ) : (
        <Table size="small">
          <HeadRow labels={['admin.rounds.columns.rank', 'admin.rounds.columns.application', 'admin.rounds.columns.child', 'admin.rounds.columns.queue', 'admin.rounds.columns.list', 'admin.rounds.columns.kindergarten', 'admin.rounds.columns.group', 'admin.rounds.columns.choice']} />
          <TableBody>
            {r.offers.map((o) => (
              <TableRow key={o.applicationId}>
                <TableCell>{o.rank}</TableCell>
                <TableCell>{appLink(o.applicationId, o.number)}</TableCell>
                <TableCell>
                  {o.childName}
                  {o.twinOf.length > 0 && <Chip size="small" variant="outlined" sx={{ ml: 1 }} label={translate('admin.rounds.twins')} />}
                </TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  {o.birthYear} · {o.language ? translate(`language.${o.language}`) : ''}
                </TableCell>
                <TableCell>{o.list ? translate(`list.${o.list}`) : ''}</TableCell>
                <TableCell>{bilingual(o as unknown as Record<string, unknown>, 'kindergartenName', locale)}</TableCell>
                <TableCell>{o.groupName}</TableCell>
                <TableCell>{translate('admin.rounds.choiceValue', { choice: o.choice })}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Section>
  );
}

function Skipped() {
  const r = useRecordContext<RoundRecord>();
  const translate = useTranslate();
  if (!r?.skippedChildren?.length) return null;
  return (
    <Section title="admin.rounds.sections.skipped" testId="round-skipped">
      <Table size="small">
        <HeadRow labels={['admin.rounds.columns.rank', 'admin.rounds.columns.application', 'admin.rounds.columns.child', 'admin.rounds.columns.queue', 'admin.rounds.columns.reason']} />
        <TableBody>
          {r.skippedChildren.map((s) => (
            <TableRow key={`${s.applicationId}-${s.reason}`}>
              <TableCell>{s.rank ?? '—'}</TableCell>
              <TableCell>{appLink(s.applicationId, s.number)}</TableCell>
              <TableCell>{s.childName}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                {s.birthYear} · {s.language ? translate(`language.${s.language}`) : ''}
              </TableCell>
              <TableCell>{translate(`admin.rounds.reasons.${s.reason}`, { _: s.reason })}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Section>
  );
}

function Dropped() {
  const r = useRecordContext<RoundRecord>();
  const translate = useTranslate();
  if (!r?.droppedChildren?.length) return null;
  return (
    <Section title="admin.rounds.sections.dropped" testId="round-dropped">
      <Table size="small">
        <HeadRow labels={['admin.rounds.columns.application', 'admin.rounds.columns.child', 'admin.rounds.columns.reason']} />
        <TableBody>
          {r.droppedChildren.map((d) => (
            <TableRow key={d.applicationId}>
              <TableCell>{appLink(d.applicationId, d.number)}</TableCell>
              <TableCell>{d.childName}</TableCell>
              <TableCell>{translate(`admin.rounds.reasons.${d.reason}`, { _: d.reason })}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Section>
  );
}

/** react-admin shows the list's row first while the full record loads: wait for the plan. */
function Details() {
  const r = useRecordContext<RoundRecord>();
  if (!r?.offers) return null;
  return (
    <Box sx={{ p: 2 }}>
      <Summary />
      <Dropped />
      <Offers />
      <Skipped />
    </Box>
  );
}

function RoundTitle() {
  const r = useRecordContext<RoundRecord>();
  const translate = useTranslate();
  return <span>{r ? translate('admin.rounds.title', { id: r.id }) : ''}</span>;
}

export function RoundShow() {
  return (
    <Show actions={<ShowActions />} title={<RoundTitle />}>
      <Details />
    </Show>
  );
}
