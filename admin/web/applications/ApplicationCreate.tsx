/** The API runs core's submitApplication: the same rules and duplicate check as the bot. */
import { Alert, Box, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useWatch } from 'react-hook-form';
import {
  ArrayInput,
  AutocompleteArrayInput,
  BooleanInput,
  Create,
  DateInput,
  FormDataConsumer,
  Link,
  RadioButtonGroupInput,
  ReferenceArrayInput,
  required,
  SimpleForm,
  SimpleFormIterator,
  TextInput,
  useGetIdentity,
  useNotify,
  useRedirect,
  useTranslate,
  type RaRecord,
  type Validator,
} from 'react-admin';
import { formatDay } from '../../../core/format.ts';
import { normalizeIin, parseIin } from '../../../core/iin.ts';
import type { DuplicateResponse, IntakeResponse } from '../../shared/api-types.ts';
import { CATEGORIES, LANGUAGES } from '../common/enums.ts';
import { bilingual, useLocale } from '../common/fields.tsx';
import { DistrictInput, EnumInput } from '../common/inputs.tsx';
import { API, httpClient } from '../providers/http.ts';

const IIN_CODES = { format: 'iin_format', century: 'iin_century', date: 'iin_date', checksum: 'iin_checksum' } as const;

/** An instant hint; the API checks again. */
const validIin: Validator = (value: unknown) => {
  if (!value) return undefined;
  const parsed = parseIin(String(value));
  return parsed.ok ? undefined : `errors.${IIN_CODES[parsed.error]}`;
};

function Heading({ text }: { text: string }) {
  const translate = useTranslate();
  return (
    <Typography variant="h6" sx={{ mt: 2 }}>
      {translate(text)}
    </Typography>
  );
}

type IntakeForm = {
  channel: 'office' | 'centre';
  districtId: number;
  language: 'kk' | 'ru';
  kindergartenIds: number[];
  priorityCategory: string;
  child: { iin: string; fullName: string; birthCertificateNumber: string };
  applicant: { iin: string; fullName: string; phones: { phone: string }[]; phoneVerified: boolean; address: string; language: 'kk' | 'ru' };
  withRepresentative: boolean;
  representative?: { iin: string; fullName: string; phone?: string; poaNumber: string; poaDate: string; poaIssuer: string };
  motherWorkplace?: string;
  fatherWorkplace?: string;
  consent: boolean;
};

function toRequest(data: IntakeForm) {
  const parsed = parseIin(data.child.iin ?? '');
  const { withRepresentative, ...rest } = data;
  return {
    ...rest,
    child: { ...data.child, birthDate: parsed.ok ? parsed.value.birthDate : '' },
    applicant: { ...data.applicant, phones: (data.applicant.phones ?? []).map((p) => p.phone).filter(Boolean) },
    representative: withRepresentative ? data.representative : null,
    kindergartenIds: data.kindergartenIds ?? [],
  };
}

function Kindergartens() {
  const locale = useLocale();
  return (
    <FormDataConsumer<IntakeForm>>
      {({ formData }) =>
        formData.districtId ? (
          <ReferenceArrayInput
            source="kindergartenIds"
            reference="kindergartens"
            filter={{ districtId: formData.districtId, active: 1, ...(formData.language ? { language: formData.language } : {}) }}
            sort={{ field: 'number', order: 'ASC' }}
            perPage={100}
          >
            <AutocompleteArrayInput
              label="admin.intake.kindergartens"
              optionText={(r: Record<string, unknown>) => bilingual(r, 'name', locale)}
              validate={required()}
              fullWidth
            />
          </ReferenceArrayInput>
        ) : null
      }
    </FormDataConsumer>
  );
}

/** The intake's answer: a hidden duplicate carries no id or number. */
type IntakeAnswer = IntakeResponse;

/** Another district's duplicate is named by its district only. */
function ChildIinCheck() {
  const translate = useTranslate();
  const locale = useLocale();
  const iin = normalizeIin(String(useWatch<IntakeForm, 'child.iin'>({ name: 'child.iin' }) ?? ''));
  const parsed = parseIin(iin);
  const valid = parsed.ok;
  const [answer, setAnswer] = useState<{ iin: string; body: DuplicateResponse } | null>(null);
  useEffect(() => {
    if (!valid) return;
    let live = true;
    httpClient(`${API}/applications/duplicate?childIin=${iin}`)
      .then(({ json }) => live && setAnswer({ iin, body: json as DuplicateResponse }))
      // The check is a courtesy: Save asks the API again and shows its answer.
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [iin, valid]);
  if (!iin) return null;
  let line;
  if (/^\d{1,11}$/.test(iin)) line = <Typography variant="body2" color="text.secondary">{translate('admin.intake.iinTyped', { count: iin.length })}</Typography>;
  else if (!parsed.ok) line = <Alert severity="error">{translate(`errors.${IIN_CODES[parsed.error]}`)}</Alert>;
  else {
    const found = answer?.iin === iin ? answer.body : null;
    const district = found && 'elsewhere' in found ? found.elsewhere?.district : null;
    line = (
      <>
        <Alert severity="success">{translate('admin.intake.iinValid', { date: formatDay(parsed.value.birthDate) })}</Alert>
        {found && !found.duplicate && <Alert severity="info">{translate('admin.intake.noDuplicate')}</Alert>}
        {found?.duplicate && 'visible' in found && found.visible && (
          <Alert severity="warning">
            {translate('admin.intake.duplicate', { number: found.number })} <Link to={`/applications/${found.id}/show`}>{translate('admin.intake.openDuplicate')}</Link>
          </Alert>
        )}
        {found?.duplicate && 'visible' in found && !found.visible && (
          <Alert severity="warning">{translate('admin.intake.duplicateElsewhere', { district: district ? (locale === 'kk' ? district.nameKk : district.nameRu) : '—' })}</Alert>
        )}
      </>
    );
  }
  return (
    <Box data-testid="iin-check" sx={{ display: 'flex', flexDirection: 'column', gap: 1, mb: 2, width: '100%' }}>
      {line}
    </Box>
  );
}

export function ApplicationCreate() {
  const notify = useNotify();
  const locale = useLocale();
  const redirect = useRedirect();
  const translate = useTranslate();
  const { identity, isPending } = useGetIdentity();
  if (isPending) return null;
  // District staff take applications for their own districts: the only one is filled in.
  const districtIds = (identity?.districtIds as number[] | undefined) ?? [];
  const own = districtIds.length ? { id: districtIds } : undefined;
  return (
    <Create
      title="admin.applications.intake"
      transform={toRequest as never}
      mutationOptions={{
        onSuccess: (record: RaRecord) => {
          // react-admin types a create's answer as a record; a hidden duplicate has no id.
          const data = record as unknown as IntakeAnswer;
          if (data.duplicate && !data.visible) {
            // Another district's application: the API names only its district, to send the parent there.
            const district = data.elsewhere?.district;
            notify('admin.intake.duplicateElsewhere', {
              type: 'warning',
              autoHideDuration: null,
              messageArgs: { district: district ? (locale === 'kk' ? district.nameKk : district.nameRu) : '—' },
            });
            return;
          }
          if (data.duplicate) {
            notify('admin.intake.duplicate', { type: 'warning', messageArgs: { number: data.number } });
            if (data.visible) redirect('show', 'applications', data.id);
            return;
          }
          notify('admin.intake.created', { type: 'success', messageArgs: { number: data.number } });
          // The show page then offers the registration notice to print for the parent.
          redirect('show', 'applications', data.id, {}, { intake: true });
        },
      }}
    >
      <SimpleForm
        defaultValues={{ channel: 'office', districtId: districtIds.length === 1 ? districtIds[0] : undefined, language: 'kk', priorityCategory: 'none', applicant: { language: 'kk', phones: [{ phone: '' }], phoneVerified: false }, withRepresentative: false, consent: false }}
        sx={{ maxWidth: 900 }}
      >
        <Alert severity="info" sx={{ mb: 1 }}>
          {translate('admin.intake.help')}
        </Alert>
        <RadioButtonGroupInput source="channel" label="resources.applications.fields.channel" choices={[{ id: 'office', name: 'channel.office' }, { id: 'centre', name: 'channel.centre' }]} />
        <Box sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 2, width: '100%' }}>
          <DistrictInput validate={required()} filter={own} />
          <EnumInput source="language" label="admin.intake.language" prefix="language" values={LANGUAGES} validate={required()} />
        </Box>
        <Kindergartens />
        <Heading text="admin.applications.sections.child" />
        <Box sx={{ display: 'grid', gridTemplateColumns: '220px 1fr', gap: 2, width: '100%' }}>
          <TextInput source="child.iin" label="admin.applications.iin" validate={[required(), validIin]} autoFocus />
          <TextInput source="child.fullName" label="resources.applications.fields.childName" validate={required()} />
        </Box>
        <ChildIinCheck />
        <TextInput source="child.birthCertificateNumber" label="admin.applications.birthCertificate" validate={required()} />
        <EnumInput source="priorityCategory" label="resources.applications.fields.priorityCategory" prefix="category" values={CATEGORIES} />
        <Heading text="admin.applications.sections.applicant" />
        <Box sx={{ display: 'grid', gridTemplateColumns: '220px 1fr', gap: 2, width: '100%' }}>
          <TextInput source="applicant.iin" label="admin.applications.iin" validate={[required(), validIin]} />
          <TextInput source="applicant.fullName" label="resources.applications.fields.applicantName" validate={required()} />
        </Box>
        <ArrayInput source="applicant.phones" label="admin.applications.phones">
          <SimpleFormIterator inline disableReordering>
            <TextInput source="phone" label="admin.intake.phone" helperText="+7 7XX XXX XX XX" />
          </SimpleFormIterator>
        </ArrayInput>
        <BooleanInput source="applicant.phoneVerified" label="admin.intake.phoneVerified" />
        <TextInput source="applicant.address" label="admin.applications.address" validate={required()} fullWidth />
        <EnumInput source="applicant.language" label="admin.intake.applicantLanguage" prefix="language" values={LANGUAGES} />
        <Box sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 2, width: '100%' }}>
          <TextInput source="motherWorkplace" label="admin.applications.motherWorkplace" />
          <TextInput source="fatherWorkplace" label="admin.applications.fatherWorkplace" />
        </Box>
        <BooleanInput source="withRepresentative" label="admin.intake.withRepresentative" />
        <FormDataConsumer<IntakeForm>>
          {({ formData }) =>
            formData.withRepresentative && (
              <Box sx={{ width: '100%' }}>
                <Heading text="admin.applications.sections.representative" />
                <Box sx={{ display: 'grid', gridTemplateColumns: '220px 1fr 220px', gap: 2 }}>
                  <TextInput source="representative.iin" label="admin.applications.iin" validate={[required(), validIin]} />
                  <TextInput source="representative.fullName" label="resources.applications.fields.applicantName" validate={required()} />
                  <TextInput source="representative.phone" label="admin.intake.phone" />
                </Box>
                <Box sx={{ display: 'grid', gridTemplateColumns: '220px 220px 1fr', gap: 2 }}>
                  <TextInput source="representative.poaNumber" label="admin.intake.poaNumber" validate={required()} />
                  <DateInput source="representative.poaDate" label="admin.intake.poaDate" validate={required()} />
                  <TextInput source="representative.poaIssuer" label="admin.intake.poaIssuer" validate={required()} />
                </Box>
              </Box>
            )
          }
        </FormDataConsumer>
        <BooleanInput source="consent" label="admin.intake.consent" validate={(v: unknown) => (v ? undefined : 'errors.consent_required')} />
      </SimpleForm>
    </Create>
  );
}
