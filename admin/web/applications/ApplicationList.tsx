import DownloadIcon from '@mui/icons-material/GetApp';
import { Alert, Button } from '@mui/material';
import {
  BooleanInput,
  CreateButton,
  Datagrid,
  DateInput,
  FilterButton,
  List,
  NumberInput,
  ReferenceField,
  TextField,
  TopToolbar,
  useGetIdentity,
  useListContext,
  usePermissions,
  useTranslate,
} from 'react-admin';
import { CATEGORIES, CHANNELS, LANGUAGES, PROOFS, STATUSES } from '../common/enums.ts';
import { BilingualField, DateTimeField, EnumField, StatusChip, useLocale } from '../common/fields.tsx';
import { DistrictInput, EnumInput } from '../common/inputs.tsx';
import { isShortSearch } from '../providers/data-provider.ts';
import { API } from '../providers/http.ts';
import { ApplicationSearch } from './ApplicationSearch.tsx';

const filters = (translate: (key: string) => string) => [
  <ApplicationSearch key="q" source="q" alwaysOn autoFocus placeholder={translate('admin.applications.search')} sx={{ minWidth: 340 }} />,
  <EnumInput key="status" source="status" prefix="status" values={STATUSES} alwaysOn />,
  <DistrictInput key="districtId" alwaysOn />,
  <NumberInput key="birthYear" source="birthYear" />,
  <EnumInput key="language" source="language" prefix="language" values={LANGUAGES} />,
  <EnumInput key="priorityCategory" source="priorityCategory" prefix="category" values={CATEGORIES} />,
  <EnumInput key="priorityProof" source="priorityProof" prefix="proof" values={PROOFS} />,
  <EnumInput key="channel" source="channel" prefix="channel" values={CHANNELS} />,
  <DateInput key="registeredFrom" source="registeredFrom" />,
  <DateInput key="registeredTo" source="registeredTo" />,
  // Priority claims one staff member approved, waiting for another (four eyes).
  <BooleanInput key="awaitingSecondApproval" source="awaitingSecondApproval" />,
];

/** Streamed, translated and audited by the server; react-admin's exporter stopped at one page and wrote raw codes. */
function ExportCsvButton() {
  const { filterValues, sort, total } = useListContext();
  const translate = useTranslate();
  const locale = useLocale();
  const params = new URLSearchParams({ filter: JSON.stringify(filterValues), sort: JSON.stringify([sort.field, sort.order]), lang: locale });
  return (
    <Button component="a" href={`${API}/applications/export?${params}`} download size="small" startIcon={<DownloadIcon />} disabled={!total}>
      {translate('ra.action.export')}
    </Button>
  );
}

function Actions() {
  const { permissions = [] } = usePermissions<string[]>();
  return (
    <TopToolbar>
      <FilterButton />
      {permissions.includes('applications.intake') && <CreateButton label="admin.applications.intake" />}
      <ExportCsvButton />
    </TopToolbar>
  );
}

/** The rows; while searching, also the applicant: a name search finds parents' names too. */
function ApplicationGrid() {
  const { filterValues } = useListContext();
  const searching = typeof filterValues.q === 'string' && filterValues.q.trim() !== '' && !isShortSearch(filterValues.q);
  const translate = useTranslate();
  return (
    <>
      {/* The API searches every status and district of the user's scope (SEARCH_IGNORES): say so. */}
      {searching && (
        <Alert severity="info" sx={{ mx: 2, my: 1 }} data-testid="searched-all">
          {translate('admin.desk.searchedAll')}
        </Alert>
      )}
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="number" />
        <TextField source="childName" sortable={false} />
        <TextField source="childIin" sortable={false} />
        {searching && <TextField source="applicantName" label="admin.applications.sections.applicant" sortable={false} />}
        <TextField source="birthYear" />
        <EnumField source="language" prefix="language" sortable={false} />
        <ReferenceField source="districtId" reference="districts" link={false} sortable={false}>
          <BilingualField source="name" />
        </ReferenceField>
        <EnumField source="priorityCategory" prefix="category" sortable={false} />
        <StatusChip source="status" />
        <EnumField source="channel" prefix="channel" sortable={false} />
        <DateTimeField source="registeredAt" />
        <TextField source="queueNumber" sortable={false} />
        {filterValues.awaitingSecondApproval === true && <DateTimeField source="priorityFirstApprovedAt" sortable={false} />}
      </Datagrid>
    </>
  );
}

/** A district's waiting children in queue order by default. */
export function ApplicationList() {
  const { identity, isPending } = useGetIdentity();
  const translate = useTranslate();
  if (isPending) return null;
  const districtIds = (identity?.districtIds as number[] | undefined) ?? [];
  const defaults = { status: 'registered', ...(districtIds.length ? { districtId: districtIds[0] } : {}) };
  return (
    <List filters={filters(translate)} filterDefaultValues={defaults} sort={{ field: 'queueOrder', order: 'ASC' }} perPage={25} actions={<Actions />}>
      <ApplicationGrid />
    </List>
  );
}
