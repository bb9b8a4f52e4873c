import {
  BooleanInput,
  Create,
  Datagrid,
  Edit,
  FunctionField,
  List,
  NumberField,
  NumberInput,
  ReferenceField,
  ReferenceInput,
  AutocompleteInput,
  required,
  SimpleForm,
  TextField,
  TextInput,
  usePermissions,
} from 'react-admin';
import { LANGUAGES } from '../common/enums.ts';
import { EnumField, bilingual, useLocale } from '../common/fields.tsx';
import { DistrictInput, EnumInput } from '../common/inputs.tsx';
import { OfferButton } from './OfferButton.tsx';

function KindergartenInput({ validate }: { validate?: ReturnType<typeof required> }) {
  const locale = useLocale();
  return (
    <ReferenceInput source="kindergartenId" reference="kindergartens" sort={{ field: 'number', order: 'ASC' }}>
      <AutocompleteInput
        optionText={(r: Record<string, unknown>) => bilingual(r, 'name', locale)}
        filterToQuery={(q: string) => ({ q })}
        validate={validate}
        sx={{ minWidth: 320 }}
      />
    </ReferenceInput>
  );
}

const filters = [
  <DistrictInput key="districtId" source="districtId" alwaysOn />,
  <KindergartenInput key="kindergartenId" />,
  <NumberInput key="birthYear" source="birthYear" alwaysOn />,
  <EnumInput key="language" source="language" prefix="language" values={LANGUAGES} alwaysOn />,
  <BooleanInput key="hasFree" source="hasFree" alwaysOn />,
];

export function GroupList() {
  const { permissions = [] } = usePermissions<string[]>();
  return (
    <List filters={filters} sort={{ field: 'birthYear', order: 'DESC' }} perPage={25}>
      <Datagrid rowClick={permissions.includes('groups.write') ? 'edit' : false} bulkActionButtons={false}>
        <ReferenceField source="kindergartenId" reference="kindergartens" link="show" sortable={false} />
        <TextField source="name" />
        <TextField source="birthYear" />
        <EnumField source="language" prefix="language" sortable={false} />
        <NumberField source="capacity" />
        <NumberField source="enrolled" sortable={false} />
        <NumberField source="held" sortable={false} />
        <FunctionField source="free" render={(r: Record<string, number>) => <strong>{r.free}</strong>} />
        {permissions.includes('referrals.write') && <OfferButton />}
      </Datagrid>
    </List>
  );
}

export function GroupEdit() {
  return (
    <Edit mutationMode="pessimistic">
      <SimpleForm>
        <ReferenceField source="kindergartenId" reference="kindergartens" link={false} />
        <TextInput source="name" validate={required()} />
        <NumberInput source="capacity" validate={required()} min={0} />
        <NumberInput source="enrolled" validate={required()} min={0} />
      </SimpleForm>
    </Edit>
  );
}

export function GroupCreate() {
  return (
    <Create redirect="list">
      <SimpleForm defaultValues={{ enrolled: 0 }}>
        <KindergartenInput validate={required()} />
        <TextInput source="name" validate={required()} />
        <NumberInput source="birthYear" validate={required()} />
        <EnumInput source="language" prefix="language" values={LANGUAGES} validate={required()} />
        <NumberInput source="capacity" validate={required()} min={0} />
        <NumberInput source="enrolled" min={0} />
      </SimpleForm>
    </Create>
  );
}
