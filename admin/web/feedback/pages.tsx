import { Datagrid, DateInput, List, NumberField, NumberInput, ReferenceField, Show, SimpleShowLayout, TextField } from 'react-admin';
import { LANGUAGES } from '../common/enums.ts';
import { DateTimeField, EnumField } from '../common/fields.tsx';
import { EnumInput } from '../common/inputs.tsx';

const INDICATORS = ['withinDeadline', 'process', 'information', 'electronic', 'complaints', 'courtesy'] as const;

const filters = [
  <NumberInput key="applicationId" source="applicationId" />,
  <EnumInput key="language" source="language" prefix="language" values={LANGUAGES} alwaysOn />,
  <DateInput key="from" source="from" alwaysOn />,
  <DateInput key="to" source="to" alwaysOn />,
];

export function FeedbackList() {
  return (
    <List filters={filters} sort={{ field: 'id', order: 'DESC' }}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <DateTimeField source="createdAt" />
        <ReferenceField source="applicationId" reference="applications" link="show" sortable={false} />
        <EnumField source="language" prefix="language" sortable={false} />
        {INDICATORS.map((k) => (
          <NumberField key={k} source={k} sortable={false} />
        ))}
        <TextField source="comment" sortable={false} />
      </Datagrid>
    </List>
  );
}

export function FeedbackShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <DateTimeField source="createdAt" />
        <ReferenceField source="applicationId" reference="applications" link="show" />
        <EnumField source="language" prefix="language" />
        {INDICATORS.map((k) => (
          <NumberField key={k} source={k} />
        ))}
        <TextField source="comment" />
      </SimpleShowLayout>
    </Show>
  );
}
