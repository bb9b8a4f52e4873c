import { AutocompleteInput, ReferenceInput, SelectInput, type SelectInputProps } from 'react-admin';
import { bilingual, useLocale } from './fields.tsx';
import { choices } from './enums.ts';

/** A district picker with names in the panel's language. */
export function DistrictInput(props: { source?: string; label?: string; alwaysOn?: boolean; validate?: unknown; filter?: Record<string, unknown> }) {
  const locale = useLocale();
  const { source = 'districtId', label = 'resources.applications.fields.districtId', filter, validate, ...rest } = props;
  return (
    <ReferenceInput source={source} reference="districts" sort={{ field: locale === 'kk' ? 'nameKk' : 'nameRu', order: 'ASC' }} perPage={100} filter={filter} {...rest}>
      <SelectInput
        label={label}
        optionText={(r: Record<string, unknown>) => bilingual(r, 'name', locale)}
        validate={validate as SelectInputProps['validate']}
      />
    </ReferenceInput>
  );
}

export function EnumInput(props: Omit<SelectInputProps, 'choices'> & { prefix: string; values: readonly (string | number)[] }) {
  const { prefix, values, ...rest } = props;
  return <SelectInput {...rest} choices={choices(prefix, values)} />;
}

export { AutocompleteInput };
