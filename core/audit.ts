import { bulkInsert, type Queryable } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';

export type Actor =
  | { type: 'parent'; id: number | null }
  | { type: 'staff'; id: number; roles?: readonly string[] }
  | { type: 'system'; id?: null };

export const SYSTEM: Actor = { type: 'system', id: null };

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: number | null;
  from?: string | null;
  to?: string | null;
  reason?: string | null;
  data?: Record<string, unknown> | null;
  at?: Date;
}

/** Call inside the transaction of the change it records. */
export async function audit(tx: Queryable, actor: Actor, entry: AuditEntry): Promise<void> {
  await auditMany(tx, actor, [entry]);
}

export async function auditMany(tx: Queryable, actor: Actor, entries: AuditEntry[]): Promise<void> {
  const at = new Date();
  await bulkInsert(
    tx,
    auditLog,
    entries.map((entry) => ({
      at: entry.at ?? at,
      actorType: actor.type,
      actorId: actor.id ?? null,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId ?? null,
      fromState: entry.from ?? null,
      toState: entry.to ?? null,
      reason: entry.reason ?? null,
      data: entry.data ?? null,
    })),
  );
}
