import type { ConversationData, VersionedState } from '@grammyjs/conversations';
import type { StorageAdapter } from 'grammy';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../../db/client.ts';
import { botSessions, processedUpdates } from '../../db/schema/index.ts';
import type { SessionData } from '../context.ts';

const sessionSchema = z.looseObject({
  language: z.enum(['kk', 'ru']).optional(),
  seen: z
    .record(
      z.string(),
      z.object({
        at: z.string(),
        status: z.string(),
        position: z.number().nullable(),
        stamp: z.string().optional(),
        ahead: z.object({ extraordinary: z.number(), firstPriority: z.number(), general: z.number() }).optional(),
      }),
    )
    .optional(),
  // The conversations plugin checks the version and drops state of another one.
  conversations: z
    .custom<VersionedState<ConversationData>>((v) => typeof v === 'object' && v !== null && 'version' in v && 'state' in v)
    .optional(),
});

/**
 * grammY sessions in PostgreSQL (table bot_sessions), shared by every instance of the bot: a
 * restart or another instance continues any conversation where it stopped.
 *
 * grammY writes a session back after every update that read it; most updates change nothing
 * ("My applications" only reads), so a write is skipped when the value serialises exactly as it
 * was read. A value that no longer parses (an old format) is dropped rather than crashing.
 */
export class DrizzleSessionStorage implements StorageAdapter<SessionData> {
  /** key → JSON as last read or written by this process (bounded). */
  private readonly known = new Map<string, string>();
  /** Session rows read with an update's dedupe claim (claimUpdate), waiting for read(). */
  private readonly prefetched = new Map<string, unknown>();

  /** Prepared once: it runs on every update. */
  private readonly claim;

  constructor(
    private readonly db: Queryable,
    private readonly cacheSize = 10_000,
  ) {
    this.claim = db
      .insert(processedUpdates)
      .values({ updateId: sql.placeholder('updateId') })
      .onConflictDoNothing()
      .returning({ session: sql<unknown>`(select value from bot_sessions where key = ${sql.placeholder('key')})` })
      .prepare('claim_update_read_session');
  }

  /**
   * Records update `updateId` as processed and, in the same statement, reads session `key`:
   * false when the update was already processed. The row is handed to the next read(key);
   * updates of one chat must be sequential (the bot runs `sequentialize` first), so no other
   * update can write that session in between.
   */
  async claimUpdate(updateId: number, key: string): Promise<boolean> {
    const rows = await this.claim.execute({ updateId, key });
    if (rows.length === 0) return false;
    this.prefetched.set(key, rows[0]!.session ?? null);
    return true;
  }

  /** Drops a prefetched row nobody read (the update ended before the session middleware). */
  release(key: string): void {
    this.prefetched.delete(key);
  }

  async read(key: string): Promise<SessionData | undefined> {
    let value: unknown;
    if (this.prefetched.has(key)) {
      value = this.prefetched.get(key);
      this.prefetched.delete(key);
    } else {
      const [row] = await this.db.select({ value: botSessions.value }).from(botSessions).where(eq(botSessions.key, key));
      value = row?.value ?? null;
    }
    if (value === null || value === undefined) {
      this.known.delete(key);
      return undefined;
    }
    const parsed = sessionSchema.safeParse(typeof value === 'string' ? JSON.parse(value) : value);
    if (!parsed.success) return undefined;
    this.remember(key, JSON.stringify(parsed.data));
    return parsed.data;
  }

  async write(key: string, value: SessionData): Promise<void> {
    const json = JSON.stringify(value);
    if (this.known.get(key) === json) return;
    await this.db
      .insert(botSessions)
      .values({ key, value })
      .onConflictDoUpdate({ target: botSessions.key, set: { value, updatedAt: sql`now()` } });
    this.remember(key, json);
  }

  async delete(key: string): Promise<void> {
    await this.db.delete(botSessions).where(eq(botSessions.key, key));
    this.known.delete(key);
  }

  private remember(key: string, json: string): void {
    this.known.delete(key);
    this.known.set(key, json);
    if (this.known.size > this.cacheSize) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }
}
