import { bigint, index, pgTable, primaryKey, timestamp } from 'drizzle-orm/pg-core';

/** Update ids already handled, so a redelivered update acts once. Pruned after a day. */
export const processedUpdates = pgTable(
  'processed_updates',
  {
    botId: bigint('bot_id', { mode: 'number' }).notNull(),
    updateId: bigint('update_id', { mode: 'number' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.botId, t.updateId] }),
    index('processed_updates_received_idx').on(t.receivedAt),
  ],
);
