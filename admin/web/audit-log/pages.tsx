/** Data is shown as text, never as markup. */
import { DateTimeInput, Datagrid, FunctionField, Link, List, NumberInput, SelectInput, Show, SimpleShowLayout, TextField, TextInput, useTranslate } from 'react-admin';
import { useActionLabel, useReasonLabel } from '../applications/ApplicationShow.tsx';
import { choices } from '../common/enums.ts';
import { DateTimeField } from '../common/fields.tsx';
import type { AuditLogRow } from '../../shared/api-types.ts';

const ENTITIES = ['application', 'document', 'referral', 'staff_user', 'kindergarten', 'group', 'lookup', 'allocation_round'];

const filters = [
  <TextInput key="applicationNumber" source="applicationNumber" alwaysOn />,
  <SelectInput key="actorType" source="actorType" choices={choices('admin.audit.actorTypes', ['staff', 'parent', 'system'])} alwaysOn />,
  <NumberInput key="actorId" source="actorId" />,
  <TextInput key="action" source="action" alwaysOn helperText="admin.audit.actionHelp" />,
  <SelectInput key="entity" source="entity" choices={choices('admin.audit.entities', ENTITIES)} alwaysOn />,
  <NumberInput key="entityId" source="entityId" />,
  <DateTimeInput key="from" source="from" />,
  <DateTimeInput key="to" source="to" />,
];

function Actor(_props: { source?: string; label?: string; sortable?: boolean }) {
  const translate = useTranslate();
  return (
    <FunctionField
      source="actorName"
      sortable={false}
      render={(r: { actorType: string; actorName: string | null; actorLogin: string | null; actorId: number | null; parentName: string | null }) =>
        r.actorName
          ? `${r.actorName} (${r.actorLogin})`
          : r.parentName
            ? `${translate(`admin.audit.actorTypes.${r.actorType}`)}: ${r.parentName}`
            : `${translate(`admin.audit.actorTypes.${r.actorType}`)}${r.actorId ? ` #${r.actorId}` : ''}`
      }
    />
  );
}

type Row = AuditLogRow;

function useSubject() {
  const translate = useTranslate();
  return (r: Row) => {
    const kind = translate(`admin.audit.entities.${r.entity}`, { _: r.entity });
    if (r.applicationNumber) {
      const application = r.entity === 'application' ? '' : ` · ${translate('admin.audit.entities.application')}`;
      return `${kind}${application} ${r.applicationNumber}${r.childName ? ` · ${r.childName}` : ''}`;
    }
    return r.entityId ? `${kind} #${r.entityId}` : kind;
  };
}

function useStates() {
  const translate = useTranslate();
  const state = (entity: string, value: string | null) =>
    value && entity === 'application' ? translate(`status.${value}`, { _: value }) : (value ?? '');
  return (r: Row) => [state(r.entity, r.fromState), state(r.entity, r.toState)].filter(Boolean).join(' → ');
}

function Data(_props: { source?: string; label?: string }) {
  return (
    <FunctionField
      source="data"
      sortable={false}
      render={(r: Row) => {
        const entries = Object.entries(r.data ?? {}).filter(([k, v]) => k !== 'comment' && v !== null && v !== undefined && v !== '');
        if (!entries.length) return null;
        return (
          <div style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', maxWidth: 640 }}>
            {entries.map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n')}
          </div>
        );
      }}
    />
  );
}

export function AuditList() {
  const actionLabel = useActionLabel();
  const reasonLabel = useReasonLabel();
  const subject = useSubject();
  const states = useStates();
  return (
    // react-admin's own export would stop at one page of the log: none rather than a partial one.
    <List filters={filters} sort={{ field: 'id', order: 'DESC' }} perPage={25} exporter={false}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <DateTimeField source="at" />
        <Actor source="actorName" sortable={false} />
        <FunctionField source="action" sortable={false} render={(r: { action: string }) => actionLabel(r.action)} />
        <FunctionField source="entity" sortable={false} render={(r: Row) => subject(r)} />
        <FunctionField source="toState" sortable={false} render={(r: Row) => states(r)} />
        <FunctionField source="reason" sortable={false} render={(r: { reason: string | null }) => reasonLabel(r.reason)} />
        <TextField source="comment" sortable={false} />
      </Datagrid>
    </List>
  );
}

export function AuditShow() {
  const actionLabel = useActionLabel();
  const reasonLabel = useReasonLabel();
  const subject = useSubject();
  const states = useStates();
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="id" />
        <DateTimeField source="at" />
        <Actor source="actorName" sortable={false} />
        <FunctionField source="action" render={(r: { action: string }) => actionLabel(r.action)} />
        <FunctionField
          source="entity"
          render={(r: Row & { applicationId: number | null }) =>
            r.applicationId ? <Link to={`/applications/${r.applicationId}/show`}>{subject(r)}</Link> : subject(r)
          }
        />
        <FunctionField source="toState" render={(r: Row) => states(r)} />
        <FunctionField source="reason" render={(r: { reason: string | null }) => reasonLabel(r.reason)} />
        <TextField source="comment" />
        <Data source="data" />
      </SimpleShowLayout>
    </Show>
  );
}
