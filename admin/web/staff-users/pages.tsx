import { Alert, Dialog, DialogActions, DialogContent, DialogTitle, Button as MuiButton, Typography } from '@mui/material';
import { useState } from 'react';
import {
  Button,
  CheckboxGroupInput,
  Create,
  Datagrid,
  Edit,
  EditButton,
  FunctionField,
  List,
  ReferenceArrayField,
  ReferenceArrayInput,
  AutocompleteArrayInput,
  SearchInput,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  SingleFieldList,
  TextField,
  TextInput,
  TopToolbar,
  required,
  useDataProvider,
  useNotify,
  useRecordContext,
  useRedirect,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { LANGUAGES, ROLES, choices } from '../common/enums.ts';
import { BilingualField, DateTimeField, EnumField, bilingual, useLocale } from '../common/fields.tsx';
import { EnumInput } from '../common/inputs.tsx';
import type { PanelDataProvider } from '../providers/data-provider.ts';
import { errorMessage } from '../providers/http.ts';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <EnumInput key="role" source="role" prefix="admin.roles" values={ROLES} alwaysOn />,
  <SelectInput key="active" source="active" choices={[{ id: 1, name: 'ra.boolean.true' }, { id: 0, name: 'ra.boolean.false' }]} alwaysOn />,
];

function Districts(_props: { source?: string; label?: string; sortable?: boolean }) {
  return (
    <ReferenceArrayField source="districtIds" reference="districts" sortable={false}>
      <SingleFieldList linkType={false}>
        <BilingualField source="name" />
      </SingleFieldList>
    </ReferenceArrayField>
  );
}

export function StaffList() {
  return (
    <List filters={filters} sort={{ field: 'login', order: 'ASC' }}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="login" />
        <TextField source="fullName" />
        <EnumField source="roles" prefix="admin.roles" sortable={false} />
        <Districts source="districtIds" sortable={false} />
        <FunctionField source="active" sortable={false} render={(r: { active: number }) => (r.active ? '✓' : '—')} />
        <DateTimeField source="createdAt" />
      </Datagrid>
    </List>
  );
}

function PasswordDialog({ password, onClose }: { password: string | null; onClose: () => void }) {
  const translate = useTranslate();
  return (
    <Dialog open={Boolean(password)} onClose={onClose}>
      <DialogTitle>{translate('admin.staff.oneTimeTitle')}</DialogTitle>
      <DialogContent>
        <Alert severity="warning" sx={{ mb: 2 }}>
          {translate('admin.staff.oneTimeHelp')}
        </Alert>
        <Typography variant="h5" component="code" data-testid="one-time-password" sx={{ userSelect: 'all', fontFamily: 'monospace' }}>
          {password}
        </Typography>
      </DialogContent>
      <DialogActions>
        <MuiButton onClick={onClose} variant="contained" autoFocus>
          {translate('ra.action.close')}
        </MuiButton>
      </DialogActions>
    </Dialog>
  );
}

function ResetPassword() {
  const record = useRecordContext();
  const dataProvider = useDataProvider<PanelDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const translate = useTranslate();
  const [password, setPassword] = useState<string | null>(null);
  if (!record) return null;
  return (
    <>
      <Button
        label="admin.staff.resetPassword"
        onClick={async () => {
          if (!window.confirm(translate('admin.staff.resetConfirm', { login: record.login }))) return;
          try {
            const res = await dataProvider.action<{ oneTimePassword: string }>('staff-users', record.id, 'reset-password');
            setPassword(res.oneTimePassword);
          } catch (error) {
            const { message, args } = errorMessage(error);
            notify(message, { type: 'error', messageArgs: args });
          }
        }}
      />
      <PasswordDialog
        password={password}
        onClose={() => {
          setPassword(null);
          refresh();
        }}
      />
    </>
  );
}

export function StaffShow() {
  return (
    <Show
      actions={
        <TopToolbar>
          <ResetPassword />
          <EditButton />
        </TopToolbar>
      }
    >
      <SimpleShowLayout>
        <TextField source="login" />
        <TextField source="fullName" />
        <EnumField source="roles" prefix="admin.roles" />
        <Districts source="districtIds" sortable={false} />
        <EnumField source="language" prefix="language" />
        <FunctionField source="active" render={(r: { active: number }) => (r.active ? '✓' : '—')} />
        <FunctionField source="mustChangePassword" render={(r: { mustChangePassword: number }) => (r.mustChangePassword ? '✓' : '—')} />
        <DateTimeField source="createdAt" />
      </SimpleShowLayout>
    </Show>
  );
}

function DistrictsInput() {
  const locale = useLocale();
  return (
    <ReferenceArrayInput source="districtIds" reference="districts" perPage={100}>
      <AutocompleteArrayInput optionText={(r: Record<string, unknown>) => bilingual(r, 'name', locale)} sx={{ minWidth: 400 }} />
    </ReferenceArrayInput>
  );
}

export function StaffEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="show">
      <SimpleForm>
        <TextInput source="login" disabled />
        <TextInput source="fullName" validate={required()} fullWidth />
        <CheckboxGroupInput source="roles" choices={choices('admin.roles', ROLES)} validate={required()} />
        <DistrictsInput />
        <EnumInput source="language" prefix="language" values={LANGUAGES} />
        <SelectInput source="active" choices={[{ id: 1, name: 'ra.boolean.true' }, { id: 0, name: 'ra.boolean.false' }]} />
      </SimpleForm>
    </Edit>
  );
}

export function StaffCreate() {
  const [created, setCreated] = useState<{ id: number; oneTimePassword: string } | null>(null);
  const redirect = useRedirect();
  return (
    <>
      <Create mutationOptions={{ onSuccess: (data: { id: number; oneTimePassword: string }) => setCreated(data) }}>
        <SimpleForm defaultValues={{ roles: ['district_staff'], language: 'kk', districtIds: [] }}>
          <TextInput source="login" validate={required()} helperText="admin.staff.loginHelp" />
          <TextInput source="fullName" validate={required()} fullWidth />
          <CheckboxGroupInput source="roles" choices={choices('admin.roles', ROLES)} validate={required()} />
          <DistrictsInput />
          <EnumInput source="language" prefix="language" values={LANGUAGES} />
        </SimpleForm>
      </Create>
      <PasswordDialog
        password={created?.oneTimePassword ?? null}
        onClose={() => {
          if (created) redirect('show', 'staff-users', created.id);
          setCreated(null);
        }}
      />
    </>
  );
}
