/**
 * Parents Telegram would not deliver to (they blocked the bot or the chat is gone): staff phone
 * them. One row per application with undelivered messages; a row opens the application. A row
 * goes away when the parent writes to the bot again.
 */
import { Datagrid, List, NumberField, ReferenceField, TextField } from 'react-admin';
import { BilingualField, DateTimeField, EnumField, StatusChip } from '../common/fields.tsx';
import { DistrictInput, EnumInput } from '../common/inputs.tsx';

export const UNREACHABLE_REASONS = ['blocked', 'deactivated', 'chat_not_found', 'forbidden'] as const;

const filters = [
  <DistrictInput key="districtId" alwaysOn />,
  <EnumInput key="reason" source="reason" prefix="admin.unreachable.reasons" values={UNREACHABLE_REASONS} alwaysOn />,
];

export function UnreachableParentList() {
  return (
    <List filters={filters} sort={{ field: 'since', order: 'DESC' }}>
      <Datagrid rowClick={(id) => `/applications/${id}/show`} bulkActionButtons={false}>
        <TextField source="number" />
        <TextField source="parentName" sortable={false} />
        <TextField source="phone" sortable={false} />
        <EnumField source="reason" prefix="admin.unreachable.reasons" sortable={false} />
        <DateTimeField source="since" />
        <NumberField source="undelivered" sortable={false} />
        <StatusChip source="status" />
        <ReferenceField source="districtId" reference="districts" link={false} sortable={false}>
          <BilingualField source="name" />
        </ReferenceField>
      </Datagrid>
    </List>
  );
}
