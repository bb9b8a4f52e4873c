/**
 * Print a result document for a parent at the desk: the referral or the registration notice,
 * the same PDF the bot sends (/api/referrals/:id/pdf, /api/applications/:id/notice.pdf), in the
 * parent's language, with the other language one click away. The PDF opens in a new tab, where
 * the browser prints or saves it; the server audits every copy.
 */
import PrintIcon from '@mui/icons-material/Print';
import { Button, ButtonGroup, IconButton, Tooltip } from '@mui/material';
import { useTranslate } from 'react-admin';

type Lang = 'kk' | 'ru';

const withLang = (url: string, lang?: Lang) => (lang ? `${url}?lang=${lang}` : url);

export function PrintButtons({ url, label, parentLanguage, testId }: { url: string; label: string; parentLanguage: Lang; testId?: string }) {
  const translate = useTranslate();
  const other: Lang = parentLanguage === 'kk' ? 'ru' : 'kk';
  return (
    <Tooltip title={translate('admin.desk.print.hint')}>
      <ButtonGroup size="small" variant="outlined" data-testid={testId}>
        <Button component="a" href={withLang(url, parentLanguage)} target="_blank" rel="noopener" startIcon={<PrintIcon />} data-lang={parentLanguage}>
          {translate(label)}
        </Button>
        <Button component="a" href={withLang(url, other)} target="_blank" rel="noopener" data-lang={other}>
          {translate(`admin.desk.print.other.${other}`)}
        </Button>
      </ButtonGroup>
    </Tooltip>
  );
}

/** A list row's print action (the parent's language); the row's click still opens the record. */
export function PrintIconButton({ url, label, parentLanguage }: { url: string; label: string; parentLanguage: Lang }) {
  const translate = useTranslate();
  return (
    <Tooltip title={translate(label)}>
      <IconButton
        size="small"
        component="a"
        href={withLang(url, parentLanguage)}
        target="_blank"
        rel="noopener"
        aria-label={translate(label)}
        onClick={(e: React.MouseEvent) => e.stopPropagation()}
      >
        <PrintIcon fontSize="small" />
      </IconButton>
    </Tooltip>
  );
}
