import { Alert, Box, Button, Card, CardContent, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { HttpError, LocalesMenuButton, useGetIdentity, useLogout, useTranslate } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { PASSWORD_MIN_LENGTH } from '../../../core/passwords.ts';
import { changePassword, forget } from '../providers/auth-provider.ts';
import type { FieldError } from '../providers/http.ts';

export function ChangePasswordPage() {
  const translate = useTranslate();
  const navigate = useNavigate();
  const logout = useLogout();
  const { identity, isPending } = useGetIdentity();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  if (!isPending && !identity) {
    void logout();
    return null;
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== repeat) {
      setErrors({ repeat: translate('admin.auth.mismatch') });
      return;
    }
    setBusy(true);
    try {
      await changePassword(current, next);
      // Reload the identity: the panel opens with the new rights.
      forget();
      navigate('/');
      window.location.reload();
    } catch (error) {
      const fields = error instanceof HttpError ? ((error.body as { fields?: FieldError[] })?.fields ?? []) : [];
      setErrors(Object.fromEntries(fields.map((f) => [f.field, translate(`errors.${f.code}`, f.params ?? {})])));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', bgcolor: '#eef2f5' }}>
      <Card sx={{ width: 440 }}>
        <CardContent>
          <Box sx={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <Typography variant="h6">{translate('admin.auth.changePassword')}</Typography>
            <LocalesMenuButton />
          </Box>
          {identity?.mustChangePassword && (
            <Alert severity="warning" sx={{ my: 2 }}>
              {translate('admin.auth.mustChange')}
            </Alert>
          )}
          <form onSubmit={(e) => void submit(e)}>
            <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2, mt: 2 }}>
              <TextField
                type="password"
                name="current"
                label={translate('admin.auth.current')}
                value={current}
                onChange={(e) => setCurrent(e.target.value)}
                error={Boolean(errors.current)}
                helperText={errors.current}
                autoFocus
                required
                autoComplete="current-password"
              />
              <TextField
                type="password"
                name="next"
                label={translate('admin.auth.next')}
                value={next}
                onChange={(e) => setNext(e.target.value)}
                error={Boolean(errors.next)}
                helperText={errors.next ?? translate('admin.auth.rules', { count: PASSWORD_MIN_LENGTH })}
                required
                autoComplete="new-password"
              />
              <TextField
                type="password"
                name="repeat"
                label={translate('admin.auth.repeat')}
                value={repeat}
                onChange={(e) => setRepeat(e.target.value)}
                error={Boolean(errors.repeat)}
                helperText={errors.repeat}
                required
                autoComplete="new-password"
              />
              <Button type="submit" variant="contained" disabled={busy}>
                {translate('ra.action.save')}
              </Button>
              <Button onClick={() => void logout()}>{translate('ra.auth.logout')}</Button>
            </Box>
          </form>
        </CardContent>
      </Card>
    </Box>
  );
}
