import { eq } from 'drizzle-orm';
import type { Executor } from '../database';
import { messengerCursor } from '../schema';

/** Long polling's resume point per bot (the MAX adapter's MarkerCursor). */
export function messengerCursorRepository(db: Executor) {
  return {
    async load(botId: number): Promise<string | null> {
      const [row] = await db
        .select({ marker: messengerCursor.marker })
        .from(messengerCursor)
        .where(eq(messengerCursor.botId, botId));
      return row?.marker ?? null;
    },

    async save(botId: number, marker: string): Promise<void> {
      await db
        .insert(messengerCursor)
        .values({ botId, marker, updatedAt: new Date() })
        .onConflictDoUpdate({ target: messengerCursor.botId, set: { marker, updatedAt: new Date() } });
    },
  };
}
