/** The same checks attachDocument applies, so the bot can answer at once and ask again. */
import type { FieldError } from './errors.ts';
import { sniffMimeType } from './attachments.ts';
import type { Policy } from './policy.ts';

export const maxDocumentMegabytes = (policy: Policy): number => Math.floor(policy.maxDocumentBytes / 1_048_576);

/** A size announced before download (Telegram's file_size): too large is refused without fetching. */
export function checkDocumentSize(size: number | undefined, policy: Policy): FieldError | null {
  if (size !== undefined && size > policy.maxDocumentBytes) {
    return { field: 'file', code: 'document_too_large', params: { max: maxDocumentMegabytes(policy) } };
  }
  return null;
}

export function checkDocumentFile(bytes: Uint8Array, policy: Policy): { ok: true; mimeType: string } | { ok: false; error: FieldError } {
  const tooLarge = checkDocumentSize(bytes.byteLength, policy);
  if (tooLarge) return { ok: false, error: tooLarge };
  const mimeType = sniffMimeType(bytes);
  if (!mimeType || !policy.documentMimeTypes.includes(mimeType)) {
    return { ok: false, error: { field: 'file', code: 'document_type' } };
  }
  return { ok: true, mimeType };
}
