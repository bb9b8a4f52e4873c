import {
  CheckboxGroupInput,
  Create,
  Datagrid,
  Edit,
  FunctionField,
  List,
  NumberField,
  NumberInput,
  ReferenceField,
  ReferenceManyField,
  required,
  SearchInput,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  usePermissions,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { LANGUAGES, choices } from '../common/enums.ts';
import { BilingualField, EnumField, bilingual, useLocale } from '../common/fields.tsx';
import { DistrictInput, EnumInput } from '../common/inputs.tsx';
import { OfferButton } from '../groups/OfferButton.tsx';

export function KindergartenName() {
  const record = useRecordContext();
  const locale = useLocale();
  return <>{record ? bilingual(record, 'name', locale) : ''}</>;
}

const filters = (translate: (key: string) => string) => [
  <SearchInput key="q" source="q" alwaysOn placeholder={translate('admin.kindergartens.search')} />,
  <DistrictInput key="districtId" alwaysOn />,
  <EnumInput key="language" source="language" prefix="language" values={LANGUAGES} />,
  <SelectInput key="active" source="active" choices={[{ id: 1, name: 'ra.boolean.true' }, { id: 0, name: 'ra.boolean.false' }]} />,
];

export function KindergartenList() {
  const locale = useLocale();
  const translate = useTranslate();
  return (
    <List filters={filters(translate)} sort={{ field: 'number', order: 'ASC' }} perPage={25}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="number" />
        <BilingualField source="name" label="resources.kindergartens.fields.name" sortable={false} />
        <ReferenceField source="districtId" reference="districts" link={false} sortable={false}>
          <BilingualField source="name" />
        </ReferenceField>
        <EnumField source="languages" prefix="language" sortable={false} />
        <NumberField source="groups" sortable={false} />
        <NumberField source="capacity" sortable={false} />
        <NumberField source="enrolled" sortable={false} />
        <NumberField source="held" sortable={false} />
        <FunctionField source="free" sortable={false} render={(r: Record<string, number>) => <strong>{r.free}</strong>} />
        <FunctionField label="resources.kindergartens.fields.address" sortable={false} render={(r: Record<string, unknown>) => bilingual(r, 'address', locale)} />
      </Datagrid>
    </List>
  );
}

export function KindergartenShow() {
  const { permissions = [] } = usePermissions<string[]>();
  const locale = useLocale();
  const translate = useTranslate();
  return (
    <Show title={<KindergartenName />}>
      <SimpleShowLayout>
        <TextField source="number" />
        <BilingualField source="name" label="resources.kindergartens.fields.name" />
        <FunctionField label="resources.kindergartens.fields.address" render={(r: Record<string, unknown>) => bilingual(r, 'address', locale)} />
        <ReferenceField source="districtId" reference="districts" link={false}>
          <BilingualField source="name" />
        </ReferenceField>
        <TextField source="phone" />
        <EnumField source="languages" prefix="language" />
        <FunctionField label="admin.kindergartens.seats" render={(r: Record<string, number>) => `${r.capacity} / ${r.enrolled} / ${r.held} / ${r.free}`} />
        <ReferenceManyField reference="groups" target="kindergartenId" sort={{ field: 'birthYear', order: 'DESC' }} perPage={100} label={translate('resources.groups.name', { count: 2 })}>
          <Datagrid bulkActionButtons={false} rowClick={permissions.includes('places.write') ? 'edit' : false}>
            <TextField source="name" />
            <TextField source="birthYear" />
            <EnumField source="language" prefix="language" />
            <NumberField source="capacity" />
            <NumberField source="enrolled" />
            <NumberField source="held" />
            <FunctionField source="free" render={(r: Record<string, number>) => <strong>{r.free}</strong>} />
            {permissions.includes('referrals.write') && <OfferButton />}
          </Datagrid>
        </ReferenceManyField>
      </SimpleShowLayout>
    </Show>
  );
}

function KindergartenForm({ create }: { create?: boolean }) {
  return (
    <SimpleForm sx={{ maxWidth: 800 }}>
      {create && <DistrictInput validate={required()} />}
      <NumberInput source="number" validate={required()} />
      <TextInput source="nameKk" validate={required()} fullWidth />
      <TextInput source="nameRu" validate={required()} fullWidth />
      <TextInput source="addressKk" validate={required()} fullWidth />
      <TextInput source="addressRu" validate={required()} fullWidth />
      <TextInput source="phone" />
      <CheckboxGroupInput source="languages" choices={choices('language', LANGUAGES)} validate={required()} />
      <SelectInput source="active" choices={[{ id: 1, name: 'ra.boolean.true' }, { id: 0, name: 'ra.boolean.false' }]} defaultValue={1} />
    </SimpleForm>
  );
}

export function KindergartenEdit() {
  return (
    <Edit title={<KindergartenName />} mutationMode="pessimistic">
      <KindergartenForm />
    </Edit>
  );
}

export function KindergartenCreate() {
  return (
    <Create redirect="show">
      <KindergartenForm create />
    </Create>
  );
}
