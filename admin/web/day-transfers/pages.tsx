import { Alert } from '@mui/material';
import {
  Create,
  Datagrid,
  DateInput,
  Edit,
  FunctionField,
  List,
  NumberInput,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  required,
  useTranslate,
} from 'react-admin';
import { DateTimeField } from '../common/fields.tsx';

const filters = [<NumberInput key="year" source="year" alwaysOn />];

const workingChoices = [
  { id: true, name: 'admin.dayTransfers.working' },
  { id: false, name: 'admin.dayTransfers.dayOff' },
];

function Help() {
  const translate = useTranslate();
  return (
    <Alert severity="info" sx={{ mb: 2 }}>
      {translate('admin.dayTransfers.help')}
    </Alert>
  );
}

export function DayTransferList() {
  const translate = useTranslate();
  return (
    <List filters={filters} filterDefaultValues={{ year: new Date().getFullYear() }} sort={{ field: 'day', order: 'ASC' }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <DateTimeField source="day" showTime={false} />
        <FunctionField
          source="working"
          sortable={false}
          render={(r: { working: boolean }) => translate(r.working ? 'admin.dayTransfers.working' : 'admin.dayTransfers.dayOff')}
        />
        <TextField source="decree" sortable={false} />
        <DateTimeField source="updatedAt" />
      </Datagrid>
    </List>
  );
}

function Form() {
  return (
    <SimpleForm>
      <Help />
      <DateInput source="day" validate={required()} />
      <SelectInput source="working" choices={workingChoices} validate={required()} />
      <TextInput source="decree" validate={required()} fullWidth />
    </SimpleForm>
  );
}

export function DayTransferEdit() {
  return (
    <Edit mutationMode="pessimistic">
      <Form />
    </Edit>
  );
}

export function DayTransferCreate() {
  return (
    <Create redirect="list">
      <Form />
    </Create>
  );
}
