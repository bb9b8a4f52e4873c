/** Who did what, when and why: filterable, read-only. Data is shown as text, never as markup. */
import { DateTimeInput, Datagrid, FunctionField, List, NumberInput, SelectInput, Show, SimpleShowLayout, TextField, TextInput, useTranslate } from 'react-admin';
import { useActionLabel, useReasonLabel } from '../applications/ApplicationShow.tsx';
import { choices } from '../common/enums.ts';
import { DateTimeField } from '../common/fields.tsx';

const ENTITIES = ['application', 'document', 'referral', 'staff_user', 'kindergarten', 'group', 'lookup', 'allocation_round'];

const filters = [
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
      render={(r: { actorType: string; actorName: string | null; actorLogin: string | null; actorId: number | null }) =>
        r.actorName ? `${r.actorName} (${r.actorLogin})` : `${translate(`admin.audit.actorTypes.${r.actorType}`)}${r.actorId ? ` #${r.actorId}` : ''}`
      }
    />
  );
}

function Data(_props: { source?: string; label?: string }) {
  return (
    <FunctionField
      source="data"
      sortable={false}
      render={(r: { data: unknown }) =>
        r.data ? <pre style={{ margin: 0, whiteSpace: 'pre-wrap', maxWidth: 420, fontSize: 12 }}>{JSON.stringify(r.data, null, 1)}</pre> : null
      }
    />
  );
}

export function AuditList() {
  const actionLabel = useActionLabel();
  const reasonLabel = useReasonLabel();
  const translate = useTranslate();
  // Application states are statuses: shown in words; other entities' states as stored.
  const state = (entity: string, value: string | null) =>
    value && entity === 'application' ? translate(`status.${value}`, { _: value }) : (value ?? '');
  const states = (r: { entity: string; fromState: string | null; toState: string | null }) =>
    [state(r.entity, r.fromState), state(r.entity, r.toState)].filter(Boolean).join(' → ');
  return (
    <List filters={filters} sort={{ field: 'id', order: 'DESC' }} perPage={25}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <DateTimeField source="at" />
        <Actor source="actorName" sortable={false} />
        <FunctionField source="action" sortable={false} render={(r: { action: string }) => actionLabel(r.action)} />
        <FunctionField
          source="entity"
          sortable={false}
          render={(r: { entity: string; entityId: number | null }) => `${translate(`admin.audit.entities.${r.entity}`, { _: r.entity })}${r.entityId ? ` #${r.entityId}` : ''}`}
        />
        <FunctionField source="toState" sortable={false} render={(r: { entity: string; fromState: string | null; toState: string | null }) => states(r)} />
        <FunctionField source="reason" sortable={false} render={(r: { reason: string | null }) => reasonLabel(r.reason)} />
      </Datagrid>
    </List>
  );
}

export function AuditShow() {
  const actionLabel = useActionLabel();
  const reasonLabel = useReasonLabel();
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="id" />
        <DateTimeField source="at" />
        <Actor source="actorName" sortable={false} />
        <FunctionField source="action" render={(r: { action: string }) => `${actionLabel(r.action)} (${r.action})`} />
        <TextField source="entity" />
        <TextField source="entityId" />
        <TextField source="fromState" />
        <TextField source="toState" />
        <FunctionField source="reason" render={(r: { reason: string | null }) => reasonLabel(r.reason)} />
        <Data source="data" />
      </SimpleShowLayout>
    </Show>
  );
}
