import type { ConversationData, VersionedState } from '@grammyjs/conversations';
import type { StorageAdapter } from 'grammy';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../../db/client.ts';
import { botSessions, processedUpdates } from '../../db/schema/index.ts';
import type { SessionData } from '../context.ts';
import type { ApplicationDraft } from '../conversations/apply.ts';
import { languageSchema } from '../../core/input.ts';

const sessionSchema = z.looseObject({
  language: languageSchema.optional(),
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
  // Answers of a stopped application: plain data written by apply.ts, read back only there.
  stoppedApplication: z
    .object({ stoppedAt: z.string(), draft: z.custom<ApplicationDraft>((v) => typeof v === 'object' && v !== null && !Array.isArray(v)) })
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
 * was read. A value that no longer parses (an old format) is dropped rather than crashing; a
 * value read exactly as this process last validated it is not validated again.
 */
export class DrizzleSessionStorage implements StorageAdapter<SessionData> {
  /**
   * key → the session as last seen by this process (bounded): `stored`, the database's text of
   * a value that passed the schema; `json`, JSON.stringify of the value, to skip unchanged writes.
   */
  private readonly known = new Map<string, { stored: string | undefined; json: string }>();
  /** Session rows (as text) read with an update's dedupe claim (claimUpdate), waiting for read(). */
  private readonly prefetched = new Map<string, string | null>();
  /** Chats whose current update found them marked unreachable, waiting for takeUnreachable(). */
  private readonly unreachable = new Set<string>();

  /** Prepared once: they run on every update. */
  private readonly claim;
  private readonly select;

  constructor(
    private readonly db: Queryable,
    private readonly cacheSize = 10_000,
  ) {
    this.claim = db
      .insert(processedUpdates)
      .values({ updateId: sql.placeholder('updateId') })
      .onConflictDoNothing()
      .returning({
        session: sql<string | null>`(select value::text from bot_sessions where key = ${sql.placeholder('key')})`,
        // A chat Telegram refused to deliver to is writing again (core/unreachable.ts): known
        // from this statement, so the check costs no round trip of its own.
        unreachable: sql<boolean>`exists (select 1 from telegram_unreachable where telegram_user_id = ${sql.placeholder('chat')}::bigint)`,
      })
      .prepare('claim_update_read_session');
    this.select = db
      .select({ value: sql<string>`${botSessions.value}::text` })
      .from(botSessions)
      .where(eq(botSessions.key, sql.placeholder('key')))
      .prepare('read_session');
  }

  /**
   * Records update `updateId` as processed and, in the same statement, reads session `key`:
   * false when the update was already processed. The row is handed to the next read(key);
   * updates of one chat must be sequential (the bot runs `sequentialize` first), so no other
   * update can write that session in between.
   */
  async claimUpdate(updateId: number, key: string): Promise<boolean> {
    const rows = await this.claim.execute({ updateId, key, chat: key });
    if (rows.length === 0) return false;
    this.prefetched.set(key, rows[0]!.session ?? null);
    if (rows[0]!.unreachable) this.unreachable.add(key);
    return true;
  }

  /** Drops a prefetched row nobody read (the update ended before the session middleware). */
  release(key: string): void {
    this.prefetched.delete(key);
    this.unreachable.delete(key);
  }

  /** Whether the claim of this chat's current update saw it marked unreachable (asked once). */
  takeUnreachable(key: string): boolean {
    return this.unreachable.delete(key);
  }

  async read(key: string): Promise<SessionData | undefined> {
    let stored: string | null;
    if (this.prefetched.has(key)) {
      stored = this.prefetched.get(key) ?? null;
      this.prefetched.delete(key);
    } else {
      const [row] = await this.select.execute({ key });
      stored = row?.value ?? null;
    }
    if (stored === null) {
      this.known.delete(key);
      return undefined;
    }
    const seen = this.known.get(key);
    if (seen?.stored === stored) {
      this.remember(key, seen);
      // The validated value, in the key order its `json` has (jsonb orders keys its own way).
      return JSON.parse(seen.json) as SessionData;
    }
    const parsed = sessionSchema.safeParse(JSON.parse(stored));
    if (!parsed.success) return undefined;
    this.remember(key, { stored, json: JSON.stringify(parsed.data) });
    return parsed.data;
  }

  async write(key: string, value: SessionData): Promise<void> {
    const json = JSON.stringify(value);
    if (this.known.get(key)?.json === json) return;
    await this.db
      .insert(botSessions)
      .values({ key, value })
      .onConflictDoUpdate({ target: botSessions.key, set: { value, updatedAt: sql`now()` } });
    // The database's text of it is learnt (and checked once) at the next read.
    this.remember(key, { stored: undefined, json });
  }

  async delete(key: string): Promise<void> {
    await this.db.delete(botSessions).where(eq(botSessions.key, key));
    this.known.delete(key);
  }

  private remember(key: string, entry: { stored: string | undefined; json: string }): void {
    this.known.delete(key);
    this.known.set(key, entry);
    if (this.known.size > this.cacheSize) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }
}
