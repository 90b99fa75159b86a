import { eq, sql } from 'drizzle-orm';
import type { Database } from '../database';
import { botConversations } from '../schema';

/** A key-value store in the shape grammY conversations' storage adapter expects. */
export function conversationStorage<S>(db: Database) {
  return {
    async read(key: string): Promise<S | undefined> {
      const [row] = await db
        .select({ state: botConversations.state })
        .from(botConversations)
        .where(eq(botConversations.key, key));
      return row?.state as S | undefined;
    },
    async write(key: string, state: S): Promise<void> {
      await db
        .insert(botConversations)
        .values({ key, state })
        .onConflictDoUpdate({ target: botConversations.key, set: { state, updatedAt: sql`now()` } });
    },
    async delete(key: string): Promise<void> {
      await db.delete(botConversations).where(eq(botConversations.key, key));
    },
  };
}
