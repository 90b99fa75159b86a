import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** grammY conversations' replay state, so a half-finished form survives a restart. */
export const botConversations = pgTable('bot_conversations', {
  key: text('key').primaryKey(),
  state: jsonb('state').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
