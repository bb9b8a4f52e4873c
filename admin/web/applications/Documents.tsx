import UploadIcon from '@mui/icons-material/UploadFile';
import { Box, Button as MuiButton, Card, CardContent, CardMedia, Chip, MenuItem, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { Button, useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import { DOCUMENT_KINDS } from '../common/enums.ts';
import { formatDate, useLocale } from '../common/fields.tsx';
import type { ApplicationDetailResponse } from '../../shared/api-types.ts';
import type { PanelDataProvider } from '../providers/data-provider.ts';
import { errorMessage } from '../providers/http.ts';
import { Section } from '../common/fields.tsx';

type Doc = ApplicationDetailResponse['documents'][number];

function Preview({ doc }: { doc: Doc }) {
  const url = `/api/documents/${doc.id}/content`;
  if (doc.mimeType.startsWith('image/')) {
    return <CardMedia component="img" image={url} alt={doc.fileName ?? ''} sx={{ maxHeight: 320, objectFit: 'contain', bgcolor: '#f5f5f5' }} />;
  }
  if (doc.mimeType === 'application/pdf') {
    return <Box component="iframe" src={url} title={doc.fileName ?? `document-${doc.id}`} sx={{ width: '100%', height: 320, border: 0, bgcolor: '#f5f5f5' }} />;
  }
  return null;
}

function DocumentCard({ doc, canOpen }: { doc: Doc; canOpen: boolean }) {
  const translate = useTranslate();
  const locale = useLocale();
  const dataProvider = useDataProvider<PanelDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const record = useRecordContext();
  const decide = async (verification: 'verified' | 'rejected') => {
    const note = verification === 'rejected' ? window.prompt(translate('admin.documents.rejectNote')) : null;
    if (verification === 'rejected' && !note) return;
    try {
      await dataProvider.update('documents', { id: doc.id, data: { verification, verificationNote: note }, previousData: doc });
      notify('ra.notification.updated', { type: 'success', messageArgs: { count: 1 } });
      refresh();
    } catch (error) {
      const { message, args } = errorMessage(error);
      notify(message, { type: 'error', messageArgs: args });
    }
  };
  return (
    <Card variant="outlined" sx={{ width: 300 }} data-testid="document">
      {canOpen && <Preview doc={doc} />}
      <CardContent>
        <Typography variant="subtitle2">{translate(`admin.documents.kinds.${doc.kind}`, { _: doc.kind })}</Typography>
        <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
          {doc.fileName ?? '—'} · {Math.ceil(doc.size / 1024)} KB · {formatDate(doc.createdAt, locale)}
        </Typography>
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mt: 1, flexWrap: 'wrap' }}>
          <Chip size="small" label={translate(`admin.documents.verification.${doc.verification}`)} color={doc.verification === 'verified' ? 'success' : doc.verification === 'rejected' ? 'error' : 'warning'} />
          {canOpen && (
            <a href={`/api/documents/${doc.id}/content`} target="_blank" rel="noopener noreferrer">
              {translate('admin.documents.open')}
            </a>
          )}
        </Box>
        {doc.verificationNote && <Typography variant="body2">{doc.verificationNote}</Typography>}
        {record?.actions?.uploadDocuments && doc.verification === 'pending' && (
          <Box sx={{ display: 'flex', gap: 1, mt: 1 }}>
            <MuiButton size="small" onClick={() => void decide('verified')}>
              {translate('admin.documents.verify')}
            </MuiButton>
            <MuiButton size="small" color="error" onClick={() => void decide('rejected')}>
              {translate('admin.documents.reject')}
            </MuiButton>
          </Box>
        )}
      </CardContent>
    </Card>
  );
}

function Upload({ applicationId }: { applicationId: number }) {
  const translate = useTranslate();
  const dataProvider = useDataProvider<PanelDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [kind, setKind] = useState('birth_certificate');
  const [file, setFile] = useState<File | null>(null);
  const send = async () => {
    if (!file) return;
    try {
      await dataProvider.uploadDocument(applicationId, kind, file);
      notify('admin.documents.uploaded', { type: 'success' });
      setFile(null);
      refresh();
    } catch (error) {
      const { message, args } = errorMessage(error);
      notify(message, { type: 'error', messageArgs: args });
    }
  };
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: '260px auto 1fr auto', gap: 2, alignItems: 'center', mt: 2 }}>
      <TextField select size="small" label={translate('admin.documents.kind')} value={kind} onChange={(e) => setKind(e.target.value)}>
        {DOCUMENT_KINDS.filter((k) => k !== 'referral' && k !== 'registration_notice').map((k) => (
          <MenuItem key={k} value={k}>
            {translate(`admin.documents.kinds.${k}`)}
          </MenuItem>
        ))}
      </TextField>
      {/* The browser's own file input speaks the browser's language: a translated button instead. */}
      <MuiButton component="label" variant="outlined">
        {translate('admin.documents.choose')}
        <input hidden type="file" name="file" accept="image/jpeg,image/png,application/pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </MuiButton>
      <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
        {file ? file.name : translate('admin.documents.noFile')}
      </Typography>
      <Button label="admin.documents.upload" onClick={() => void send()} disabled={!file} variant="contained">
        <UploadIcon />
      </Button>
    </Box>
  );
}

export function Documents() {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record) return null;
  const docs = record.documents as Doc[];
  return (
    <Section title="admin.applications.sections.documents">
      {docs.length === 0 && <Typography color="text.secondary">{translate('admin.documents.none')}</Typography>}
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        {docs.map((d) => (
          <DocumentCard key={d.id} doc={d} canOpen={Boolean(record.actions?.downloadDocuments)} />
        ))}
      </Box>
      {record.actions?.uploadDocuments && <Upload applicationId={record.id as number} />}
    </Section>
  );
}
