/** The type is taken from the file's first bytes, never the name or the sender's claim. */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { applications, documents } from '../db/schema/index.ts';
import { audit, type Actor } from './audit.ts';
import { NotFoundError, ValidationError } from './errors.ts';
import type { Policy } from './policy.ts';

export type DocumentKind = (typeof documents.kind.enumValues)[number];
export const DOCUMENT_KINDS = documents.kind.enumValues;

const SIGNATURES: { mime: string; bytes: number[] }[] = [
  { mime: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { mime: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { mime: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

export function sniffMimeType(bytes: Uint8Array): string | null {
  return SIGNATURES.find((s) => s.bytes.every((b, i) => bytes[i] === b))?.mime ?? null;
}

export function cleanFileName(name: string | null | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return clean || null;
}

export interface AttachDocumentInput {
  applicationId: number;
  kind: DocumentKind;
  fileName?: string | null;
  bytes: Uint8Array;
  actor: Actor;
  policy: Policy;
  now?: Date;
}

export async function attachDocument(db: Queryable, input: AttachDocumentInput) {
  const mimeType = sniffMimeType(input.bytes);
  if (!mimeType || !input.policy.documentMimeTypes.includes(mimeType)) {
    throw new ValidationError([{ field: 'file', code: 'document_type' }]);
  }
  if (input.bytes.byteLength > input.policy.maxDocumentBytes) {
    throw new ValidationError([
      { field: 'file', code: 'document_too_large', params: { max: Math.floor(input.policy.maxDocumentBytes / 1_048_576) } },
    ]);
  }
  return db.transaction(async (tx) => {
    const [app] = await tx
      .select({ id: applications.id, applicantId: applications.applicantId })
      .from(applications)
      .where(eq(applications.id, input.applicationId));
    if (!app) throw new NotFoundError('application', input.applicationId);
    const [doc] = await tx
      .insert(documents)
      .values({
        applicationId: app.id,
        applicantId: app.applicantId,
        kind: input.kind,
        fileName: cleanFileName(input.fileName),
        mimeType,
        size: input.bytes.byteLength,
        sha256: createHash('sha256').update(input.bytes).digest('hex'),
        content: input.bytes,
        ...(input.now ? { createdAt: input.now } : {}),
      })
      .returning({ id: documents.id, kind: documents.kind, mimeType: documents.mimeType, size: documents.size });
    await audit(tx, input.actor, {
      action: 'document.attach',
      entity: 'document',
      entityId: doc!.id,
      data: { applicationId: app.id, kind: input.kind, mimeType, size: input.bytes.byteLength },
      ...(input.now ? { at: input.now } : {}),
    });
    return doc!;
  });
}

/** The stored bytes of a document (small files live in the database); every view of personal data is logged. */
export async function openDocument(db: Queryable, id: number, actor: Actor) {
  const [doc] = await db
    .select({
      id: documents.id,
      applicationId: documents.applicationId,
      mimeType: documents.mimeType,
      fileName: documents.fileName,
      content: documents.content,
      storageKey: documents.storageKey,
    })
    .from(documents)
    .where(eq(documents.id, id));
  if (!doc) throw new NotFoundError('document', id);
  await audit(db, actor, { action: 'document.view', entity: 'document', entityId: id, data: { applicationId: doc.applicationId } });
  return doc;
}
