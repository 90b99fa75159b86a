import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Where long polling resumes after a restart: MAX's marker once the inbox has stored the batch
 * it acknowledges. Text, since the marker is an int64 that may pass 2^53.
 */
export const messengerCursor = pgTable('messenger_cursor', {
  botId: bigint('bot_id', { mode: 'number' }).primaryKey(),
  marker: text('marker').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
