/** Files are served with the type sniffed from their bytes, nosniff and no caching; each view is audited. */
import { and, eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { applications, documents } from '../../db/schema/index.ts';
import { documentMeta } from '../../core/application-view.ts';
import { attachDocument, DOCUMENT_KINDS, openDocument, sniffMimeType } from '../../core/attachments.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { verifyDocument } from '../../core/verification.ts';
import { actorOf, idParam, inScope, need, parseBody, pathId, readJson, scopeWhere, type ApiContext, type ApiDeps, type ApiEnv } from './context.ts';
import { int, listParams, oneOrMany, sendList, type ListSpec } from './simple-rest.ts';

const d = documents;

const documentsList: ListSpec = {
  resource: 'documents',
  idColumn: d.id,
  sort: { id: [d.id], createdAt: [d.createdAt, d.id], kind: [d.kind, d.id] },
  defaultSort: ['id', 'ASC'],
  filters: {
    applicationId: oneOrMany(d.applicationId, int),
    kind: oneOrMany(d.kind, z.enum(d.kind.enumValues)),
    verification: oneOrMany(d.verification, z.enum(d.verification.enumValues)),
  },
};

const verifySchema = z.object({
  verification: z.enum(['verified', 'rejected']),
  verificationNote: z.string().trim().max(1000).nullish(),
});

export function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function documentsRoutes(deps: ApiDeps) {
  const db = deps.database.db;

  async function documentInScope(c: ApiContext, id: number, permission: Parameters<typeof inScope>[1]) {
    const [row] = await db
      .select({ id: d.id, districtId: applications.districtId })
      .from(d)
      .innerJoin(applications, eq(applications.id, d.applicationId))
      .where(eq(d.id, id));
    if (!row || !inScope(c, permission, row.districtId)) throw new NotFoundError('document', id);
  }

  return new Hono<ApiEnv>()
    .get('/', need('documents.read'), async (c) => {
      const p = listParams(c, documentsList, scopeWhere(c, 'documents.read', applications.districtId));
      const rows = await db
        .select(documentMeta)
        .from(d)
        .innerJoin(applications, eq(applications.id, d.applicationId))
        .where(p.where)
        .orderBy(...p.orderBy)
        .limit(p.limit)
        .offset(p.offset);
      const [count] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(d)
        .innerJoin(applications, eq(applications.id, d.applicationId))
        .where(p.where);
      return sendList(c, 'documents', rows, p.offset, count?.n ?? 0);
    })
    .get('/:id', need('documents.read'), async (c) => {
      const id = pathId(c);
      await documentInScope(c, id, 'documents.read');
      const [row] = await db.select(documentMeta).from(d).where(eq(d.id, id));
      return c.json(row);
    })
    .get('/:id/content', need('documents.download'), async (c) => {
      const id = pathId(c);
      await documentInScope(c, id, 'documents.download');
      const doc = await openDocument(db, id, actorOf(c));
      if (!doc.content) return c.json({ error: 'not_stored' }, 404);
      const bytes = doc.content;
      // Trust the bytes, not the stored type: only what we can preview is served inline.
      const type = sniffMimeType(bytes);
      const name = doc.fileName ?? `document-${doc.id}`;
      c.header('Content-Type', type ?? 'application/octet-stream');
      c.header('Content-Disposition', disposition(type ? 'inline' : 'attachment', name));
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Cache-Control', 'private, no-store');
      // The panel shows it in its own frame (the server's default forbids any framing).
      c.header('X-Frame-Options', 'SAMEORIGIN');
      c.header(
        'Content-Security-Policy',
        type?.startsWith('image/') ? "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'" : "frame-ancestors 'self'",
      );
      return c.body(new Uint8Array(bytes));
    })
    .post('/', need('documents.upload'), async (c) => {
      const form = await c.req.parseBody().catch(() => {
        throw new ValidationError([{ field: 'file', code: 'invalid' }]);
      });
      const applicationId = idParam.safeParse(form.applicationId);
      const kind = z.enum(DOCUMENT_KINDS).safeParse(form.kind);
      const file = form.file;
      const errors = [
        ...(applicationId.success ? [] : [{ field: 'applicationId', code: 'required' }]),
        ...(kind.success ? [] : [{ field: 'kind', code: 'required' }]),
        ...(file instanceof File ? [] : [{ field: 'file', code: 'required' }]),
      ];
      if (errors.length || !applicationId.success || !kind.success || !(file instanceof File)) throw new ValidationError(errors);
      const [app] = await db.select({ districtId: applications.districtId }).from(applications).where(eq(applications.id, applicationId.data));
      if (!app || !inScope(c, 'documents.upload', app.districtId)) throw new NotFoundError('application', applicationId.data);
      const doc = await attachDocument(db, {
        applicationId: applicationId.data,
        kind: kind.data,
        fileName: file.name,
        bytes: new Uint8Array(await file.arrayBuffer()),
        actor: actorOf(c),
        policy: deps.policy,
      });
      return c.json(doc, 201);
    })
    .put('/:id', need('documents.verify'), async (c) => {
      const id = pathId(c);
      await documentInScope(c, id, 'documents.verify');
      const body = parseBody(verifySchema, await readJson(c));
      await verifyDocument(db, { documentId: id, decision: body.verification, note: body.verificationNote ?? null, actor: actorOf(c) });
      const [row] = await db.select(documentMeta).from(d).where(and(eq(d.id, id)));
      return c.json(row);
    });
}
