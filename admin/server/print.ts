import { ValidationError } from '../../core/errors.ts';
import type { PrintedDocument } from '../../core/result-documents.ts';
import type { ApiContext } from './context.ts';
import { disposition } from './documents.ts';
import type { Language } from '../../locales/languages.ts';
import { languageSchema } from '../../core/input.ts';

const langSchema = languageSchema;

export function langOf(c: ApiContext): Language | null {
  const raw = c.req.query('lang');
  if (raw === undefined || raw === '') return null;
  const parsed = langSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError([{ field: 'lang', code: 'invalid' }]);
  return parsed.data;
}

export function sendPdf(c: ApiContext, doc: PrintedDocument) {
  c.header('Content-Type', 'application/pdf');
  c.header('Content-Disposition', disposition(c.req.query('download') ? 'attachment' : 'inline', doc.fileName));
  c.header('Content-Language', doc.language);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Cache-Control', 'private, no-store');
  return c.body(new Uint8Array(doc.pdf));
}
