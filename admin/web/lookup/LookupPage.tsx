import SearchIcon from '@mui/icons-material/Search';
import { Alert, Box, Button, Card, CardContent, Chip, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { Title, useDataProvider, useTranslate } from 'react-admin';
import { formatDate, useLocale } from '../common/fields.tsx';
import type { LookupAnswer, PanelDataProvider } from '../providers/data-provider.ts';
import { errorMessage, type FieldError } from '../providers/http.ts';
import { HttpError } from 'react-admin';

function Answer({ a }: { a: LookupAnswer }) {
  const translate = useTranslate();
  const locale = useLocale();
  const row = (label: string, value: React.ReactNode) =>
    value === null || value === '' ? null : (
      <Box sx={{ display: 'flex', gap: 2, py: 0.3 }}>
        <Box sx={{ minWidth: 200, color: 'text.secondary' }}>{translate(label)}</Box>
        <Box>{value}</Box>
      </Box>
    );
  return (
    <Card variant="outlined" data-testid="lookup-result">
      <CardContent>
        <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', mb: 1 }}>
          <Typography variant="h6">{a.number}</Typography>
          <Chip color="primary" label={translate(`status.${a.status}`)} />
          {a.position !== null && <Typography variant="h6">{translate('admin.applications.position', { position: a.position })}</Typography>}
        </Box>
        <Alert severity="info" sx={{ mb: 1 }} data-testid="next-step">
          {translate(`admin.lookup.next.${a.nextStep}`, {
            deadline: a.deadline ? formatDate(a.deadline, locale) : '',
            kindergarten: a.kindergarten ? `№ ${a.kindergarten.number}` : '',
            reason: a.refusalReason ? translate(`refusalReason.${a.refusalReason}`, { _: a.refusalReason }) : '',
          })}
        </Alert>
        {row('resources.applications.fields.childName', a.childName)}
        {row('resources.applications.fields.childIin', a.childIin)}
        {row('resources.applications.fields.birthYear', a.birthYear)}
        {row('resources.applications.fields.applicantName', a.applicantName)}
        {row('admin.applications.phones', a.applicantPhone)}
        {row('admin.applications.sections.representative', a.representativeName)}
        {row('resources.applications.fields.districtId', locale === 'kk' ? a.districtKk : a.districtRu)}
        {row('admin.intake.language', translate(`language.${a.language}`))}
        {row('resources.applications.fields.channel', translate(`channel.${a.channel}`))}
        {row('resources.applications.fields.registeredAt', formatDate(a.registeredAt, locale))}
        {row('resources.applications.fields.queueNumber', a.queueNumber)}
        {a.priorityCategory !== 'none' &&
          row('resources.applications.fields.priorityCategory', `${translate(`category.${a.priorityCategory}`)} — ${translate(`proof.${a.priorityProof}`)}`)}
        {a.kindergarten && row('admin.lookup.kindergarten', `№ ${a.kindergarten.number} ${locale === 'kk' ? a.kindergarten.nameKk : a.kindergarten.nameRu}`)}
      </CardContent>
    </Card>
  );
}

export function LookupPage() {
  const translate = useTranslate();
  const dataProvider = useDataProvider<PanelDataProvider>();
  const [query, setQuery] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [results, setResults] = useState<LookupAnswer[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const search = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const answer = await dataProvider.lookup(query, reason);
      setErrors({});
      setResults(answer.results);
      // A reason belongs to one look-up (it is logged with it): the next one needs its own.
      setReason('');
    } catch (error) {
      const fields = error instanceof HttpError ? ((error.body as { fields?: FieldError[] })?.fields ?? []) : [];
      if (fields.length) {
        setErrors(Object.fromEntries(fields.map((f) => [f.field, translate(`errors.${f.code}`, f.params ?? {})])));
      } else {
        const { message, args } = errorMessage(error);
        setFailure(translate(message, args));
      }
      setResults(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box sx={{ p: 2, maxWidth: 900 }}>
      <Title title="admin.lookup.title" />
      <Typography variant="h5" gutterBottom>
        {translate('admin.lookup.title')}
      </Typography>
      <form onSubmit={(e) => void search(e)}>
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '320px 1fr auto' }, gap: 2, alignItems: 'start' }}>
          <TextField
            autoFocus
            name="query"
            label={translate('admin.lookup.query')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            error={Boolean(errors.query)}
            helperText={errors.query ?? translate('admin.lookup.queryHelp')}
            slotProps={{ htmlInput: { 'aria-label': translate('admin.lookup.query') } }}
          />
          <TextField
            name="reason"
            label={translate('admin.lookup.reason')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={Boolean(errors.reason)}
            helperText={errors.reason ?? translate('admin.lookup.reasonHelp')}
            slotProps={{ htmlInput: { 'aria-label': translate('admin.lookup.reason') } }}
          />
          <Button type="submit" variant="contained" startIcon={<SearchIcon />} disabled={busy} sx={{ mt: 1 }}>
            {translate('ra.action.search')}
          </Button>
        </Box>
      </form>
      {failure && (
        <Alert severity="error" sx={{ mt: 2 }}>
          {failure}
        </Alert>
      )}
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2, mt: 2 }}>
        {results?.length === 0 && <Alert severity="warning">{translate('admin.lookup.nothing')}</Alert>}
        {results?.map((a) => <Answer key={a.id} a={a} />)}
      </Box>
    </Box>
  );
}
