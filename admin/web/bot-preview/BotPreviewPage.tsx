/** The real parent bot behind an in-process fake transport, so staff see what parents see. */
import RestartAltIcon from '@mui/icons-material/RestartAlt';
import SendIcon from '@mui/icons-material/Send';
import { Alert, Box, Button, LinearProgress, Paper, TextField, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { Fragment, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Title, useDataProvider, useTranslate } from 'react-admin';
import type { BotMessage, PanelDataProvider } from '../providers/data-provider.ts';
import { errorMessage } from '../providers/http.ts';

type Entry = { from: 'user'; text: string; key: string } | { from: 'bot'; message: BotMessage; key: string };

/** Never innerHTML: a parent's name with markup in it stays text. */
function TelegramHtml({ text }: { text: string }): ReactNode {
  const parts: ReactNode[] = [];
  const stack: { tag: string; children: ReactNode[]; href?: string }[] = [{ tag: 'root', children: parts }];
  const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const re = /<(\/?)(b|strong|i|em|u|ins|s|strike|del|code|pre|a|tg-spoiler|blockquote)(\s+href="([^"]*)")?\s*>/gi;
  let last = 0;
  let key = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    stack.at(-1)!.children.push(decode(text.slice(last, m.index)));
    last = m.index + m[0].length;
    const tag = m[2]!.toLowerCase();
    if (!m[1]) stack.push({ tag, children: [], ...(m[4] ? { href: decode(m[4]) } : {}) });
    else if (stack.length > 1 && stack.at(-1)!.tag === tag) {
      const node = stack.pop()!;
      const k = key++;
      const el =
        tag === 'a' ? (
          <a key={k} href={node.href?.startsWith('https://') ? node.href : undefined} target="_blank" rel="noopener noreferrer">
            {node.children}
          </a>
        ) : tag === 'b' || tag === 'strong' ? (
          <b key={k}>{node.children}</b>
        ) : tag === 'i' || tag === 'em' ? (
          <i key={k}>{node.children}</i>
        ) : tag === 'u' || tag === 'ins' ? (
          <u key={k}>{node.children}</u>
        ) : tag === 'code' || tag === 'pre' ? (
          <code key={k}>{node.children}</code>
        ) : tag === 'blockquote' ? (
          <blockquote key={k} style={{ margin: '4px 0', paddingLeft: 8, borderLeft: '3px solid #9bb' }}>
            {node.children}
          </blockquote>
        ) : (
          <s key={k}>{node.children}</s>
        );
      stack.at(-1)!.children.push(el);
    }
  }
  stack.at(-1)!.children.push(decode(text.slice(last)));
  while (stack.length > 1) {
    const node = stack.pop()!;
    stack.at(-1)!.children.push(...node.children);
  }
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>{p}</Fragment>
      ))}
    </>
  );
}

export function BotPreviewPage() {
  const translate = useTranslate();
  const dataProvider = useDataProvider<PanelDataProvider>();
  const [language, setLanguage] = useState<'kk' | 'ru'>('kk');
  const [entries, setEntries] = useState<Entry[]>([]);
  const [reply, setReply] = useState<BotMessage['reply']>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const bottom = useRef<HTMLDivElement>(null);

  // Braces: newer browsers' scrollIntoView returns a promise, which React would take for a cleanup.
  useEffect(() => {
    void bottom.current?.scrollIntoView({ block: 'end' });
  }, [entries]);

  const send = async (body: Record<string, unknown>, shown?: string) => {
    setBusy(true);
    setFailure(null);
    if (shown) setEntries((e) => [...e, { from: 'user', text: shown, key: `u${Date.now()}${Math.random()}` }]);
    try {
      const { messages } = await dataProvider.botPreview({ ...body, language });
      setEntries((current) => {
        let next = [...current];
        for (const m of messages) {
          if (m.method === 'answerCallbackQuery') {
            next.push({ from: 'bot', message: m, key: `n${Date.now()}${Math.random()}` });
          } else if (m.editOf !== null) {
            next = next.map((e) => (e.from === 'bot' && e.message.id === m.editOf ? { ...e, message: { ...e.message, ...m, id: e.message.id } } : e));
          } else if (m.method === 'deleteMessage') {
            next = next.filter((e) => !(e.from === 'bot' && e.message.id === m.id));
          } else next.push({ from: 'bot', message: m, key: `b${m.id}` });
        }
        return next;
      });
      const lastKeyboard = [...messages].reverse().find((m) => m.reply || m.removeKeyboard);
      if (lastKeyboard) setReply(lastKeyboard.removeKeyboard ? null : lastKeyboard.reply);
    } catch (error) {
      const { message, args } = errorMessage(error);
      setFailure(translate(message, args));
    } finally {
      setBusy(false);
    }
  };

  const restart = async () => {
    setEntries([]);
    setReply(null);
    await send({ action: 'reset' });
    await send({ action: 'text', text: '/start' }, '/start');
  };

  // A new chat in the chosen language: the bot takes the language from Telegram's, as for a parent.
  useEffect(() => {
    void restart();
  }, [language]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    void send({ action: 'text', text }, text);
    setText('');
  };

  return (
    <Box sx={{ p: 2, maxWidth: 760 }}>
      <Title title="admin.botPreview.title" />
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 1, flexWrap: 'wrap' }}>
        <Typography variant="h5" sx={{ flex: 1 }}>
          {translate('admin.botPreview.title')}
        </Typography>
        <ToggleButtonGroup size="small" exclusive value={language} onChange={(_e, v: 'kk' | 'ru' | null) => v && setLanguage(v)} disabled={busy}>
          <ToggleButton value="kk">{translate('languageName.kk')}</ToggleButton>
          <ToggleButton value="ru">{translate('languageName.ru')}</ToggleButton>
        </ToggleButtonGroup>
        <Button variant="contained" startIcon={<RestartAltIcon />} onClick={() => void restart()} disabled={busy}>
          {translate('admin.botPreview.start')}
        </Button>
      </Box>
      <Alert severity="info" sx={{ mb: 1 }}>
        {translate('admin.botPreview.help')}
      </Alert>
      {busy && entries.length === 0 && <LinearProgress sx={{ mb: 1 }} />}
      {failure && (
        <Alert severity="error" sx={{ mb: 1 }}>
          {failure}
        </Alert>
      )}
      <Paper variant="outlined" sx={{ bgcolor: '#dfe7ee', p: 2, height: '58vh', overflowY: 'auto' }} data-testid="chat">
        {entries.map((e) =>
          e.from === 'user' ? (
            <Box key={e.key} sx={{ display: 'flex', justifyContent: 'flex-end', mb: 1 }}>
              <Paper sx={{ p: 1, px: 1.5, bgcolor: '#d9fdd3', maxWidth: '75%', whiteSpace: 'pre-wrap' }}>{e.text}</Paper>
            </Box>
          ) : e.message.method === 'answerCallbackQuery' ? (
            <Typography key={e.key} variant="caption" component="div" sx={{ textAlign: 'center', color: 'text.secondary', mb: 1 }}>
              {e.message.text}
            </Typography>
          ) : (
            <Box key={e.key} sx={{ mb: 1, maxWidth: '85%' }} data-testid="bot-message">
              <Paper sx={{ p: 1, px: 1.5, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {e.message.document && <Typography variant="caption">📎 {e.message.document}</Typography>}
                {e.message.text !== null &&
                  (e.message.parseMode === 'HTML' ? <TelegramHtml text={e.message.text} /> : e.message.text)}
              </Paper>
              {e.message.inline?.map((row, i) => (
                <Box key={i} sx={{ display: 'flex', gap: 0.5, mt: 0.5 }}>
                  {row.map((b, j) =>
                    b.url ? (
                      <Button key={j} size="small" variant="outlined" sx={{ flex: 1, bgcolor: '#fff' }} href={b.url.startsWith('https://') ? b.url : '#'} target="_blank" rel="noopener noreferrer">
                        {b.text} ↗
                      </Button>
                    ) : (
                      <Button
                        key={j}
                        size="small"
                        variant="outlined"
                        sx={{ flex: 1, bgcolor: '#fff', textTransform: 'none' }}
                        disabled={busy || !b.data}
                        onClick={() => void send({ action: 'callback', data: b.data, messageId: e.message.id })}
                      >
                        {b.text}
                      </Button>
                    ),
                  )}
                </Box>
              ))}
            </Box>
          ),
        )}
        <div ref={bottom} />
      </Paper>
      {reply && (
        <Box sx={{ mt: 1, display: 'flex', flexDirection: 'column', gap: 0.5 }} data-testid="reply-keyboard">
          {reply.map((row, i) => (
            <Box key={i} sx={{ display: 'flex', gap: 0.5 }}>
              {row.map((b, j) => (
                <Button
                  key={j}
                  variant="contained"
                  color="inherit"
                  sx={{ flex: 1, textTransform: 'none' }}
                  disabled={busy}
                  onClick={() => void (b.requestContact ? send({ action: 'contact' }, `📱 ${b.text}`) : send({ action: 'text', text: b.text }, b.text))}
                >
                  {b.requestContact ? `📱 ${b.text}` : b.text}
                </Button>
              ))}
            </Box>
          ))}
        </Box>
      )}
      <form onSubmit={submit}>
        <Box sx={{ display: 'flex', gap: 1, mt: 1 }}>
          <TextField fullWidth size="small" value={text} onChange={(e) => setText(e.target.value)} placeholder={translate('admin.botPreview.placeholder')} disabled={busy} />
          <Button type="submit" variant="contained" disabled={busy} aria-label={translate('admin.botPreview.send')}>
            <SendIcon />
          </Button>
        </Box>
      </form>
    </Box>
  );
}
