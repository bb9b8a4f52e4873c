import { Box, Typography } from '@mui/material';
import { LocalesMenuButton, Login, LoginForm, useTranslate } from 'react-admin';

export function LoginPage() {
  const translate = useTranslate();
  return (
    <Login sx={{ background: 'linear-gradient(135deg, #00587a 0%, #003b52 100%)' }}>
      <Box sx={{ px: 2, pt: 1, textAlign: 'center' }}>
        <Typography variant="h6">{translate('admin.auth.title')}</Typography>
        <Typography variant="body2" color="text.secondary">
          {translate('admin.auth.subtitle')}
        </Typography>
        <LocalesMenuButton />
      </Box>
      <LoginForm />
    </Login>
  );
}
