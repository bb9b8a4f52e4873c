import { SearchInput, useListContext, useTranslate, type SearchInputProps } from 'react-admin';
import { isShortSearch, MIN_NAME_SEARCH } from '../providers/data-provider.ts';

/** One or two letters are too few to look a name up: the box says so, and the list waits for the third. */
export function ApplicationSearch({ sx, ...props }: Omit<SearchInputProps, 'helperText'>) {
  const translate = useTranslate();
  const { filterValues } = useListContext();
  const short = isShortSearch(filterValues[props.source]);
  return (
    <SearchInput
      {...props}
      helperText={short ? translate('errors.search_too_short', { count: MIN_NAME_SEARCH }) : false}
      sx={{
        ...sx,
        // The filter bar hides helper texts; this one floats under the box, so nothing moves.
        '&& .MuiFormHelperText-root': {
          display: 'block',
          position: 'absolute',
          top: '100%',
          left: 0,
          m: 0,
          mt: '4px',
          px: 1,
          py: 0.5,
          whiteSpace: 'nowrap',
          zIndex: 5,
          bgcolor: 'background.paper',
          color: 'text.primary',
          borderRadius: 1,
          boxShadow: 2,
        },
      }}
    />
  );
}
