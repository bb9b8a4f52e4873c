import { defaultTheme, type RaThemeOptions } from 'react-admin';

/** react-admin's default theme in the blue of the state services, compact tables for long lists. */
export const theme: RaThemeOptions = {
  ...defaultTheme,
  palette: { primary: { main: '#00587a' }, secondary: { main: '#00587a' } },
  components: {
    ...defaultTheme.components,
    MuiTableCell: { styleOverrides: { sizeSmall: { padding: '6px 10px' } } },
  },
};
