import { AutocompleteInput, SelectInput, useGetList, type SelectInputProps } from 'react-admin';
import { sortByName } from '../../../core/format.ts';
import { bilingual, useLocale } from './fields.tsx';
import { choices } from './enums.ts';

/** Kazakh puts «Әуезов ауданы» right after А, which the database's order does not. */
export function useDistricts(filter?: Record<string, unknown>) {
  const locale = useLocale();
  const { data = [], isPending } = useGetList('districts', { pagination: { page: 1, perPage: 100 }, sort: { field: 'id', order: 'ASC' }, filter });
  return { districts: sortByName(data, locale, (d) => bilingual(d, 'name', locale)), isPending };
}

export function DistrictInput(props: Omit<SelectInputProps, 'choices' | 'source' | 'filter'> & { source?: string; filter?: Record<string, unknown> }) {
  const locale = useLocale();
  const { source = 'districtId', label = 'resources.applications.fields.districtId', filter, ...rest } = props;
  const { districts, isPending } = useDistricts(filter);
  return (
    <SelectInput
      source={source}
      label={label}
      choices={districts}
      isPending={isPending}
      optionText={(r: Record<string, unknown>) => bilingual(r, 'name', locale)}
      {...rest}
    />
  );
}

export function EnumInput(props: Omit<SelectInputProps, 'choices'> & { prefix: string; values: readonly (string | number)[] }) {
  const { prefix, values, ...rest } = props;
  return <SelectInput {...rest} choices={choices(prefix, values)} />;
}

export { AutocompleteInput };
