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
