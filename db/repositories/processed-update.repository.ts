import { lt } from 'drizzle-orm';
import type { Executor } from '../database';
import { processedUpdates } from '../schema';

export function processedUpdateRepository(db: Executor) {
  return {
    /** Records an update as handled; false when it was handled before (a redelivery). */
    async markFirstSeen(botId: number, updateId: number): Promise<boolean> {
      const rows = await db
        .insert(processedUpdates)
        .values({ botId, updateId })
        .onConflictDoNothing()
        .returning({ updateId: processedUpdates.updateId });
      return rows.length === 1;
    },
    /** Messengers redeliver within minutes; a day of ids is plenty. */
    async pruneOlderThan(instant: Date): Promise<number> {
      const rows = await db
        .delete(processedUpdates)
        .where(lt(processedUpdates.receivedAt, instant))
        .returning({ id: processedUpdates.updateId });
      return rows.length;
    },
  };
}

export type ProcessedUpdateRepository = ReturnType<typeof processedUpdateRepository>;
