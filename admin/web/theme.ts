import { defaultTheme, type RaThemeOptions } from 'react-admin';

export const theme: RaThemeOptions = {
  ...defaultTheme,
  palette: { primary: { main: '#00587a' }, secondary: { main: '#00587a' } },
  components: {
    ...defaultTheme.components,
    MuiTableCell: { styleOverrides: { sizeSmall: { padding: '6px 10px' } } },
  },
};
