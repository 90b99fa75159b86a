import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Messages the bot sent on MAX, by the 53-bit alias the service knows them by. MAX names a
 * message by a string `mid` and an edit replaces all of it, so the text and attachments are
 * kept to resend what an edit leaves alone. Pruned after 30 days; an edit of a pruned message
 * reads as "not found".
 */
export const maxMessages = pgTable(
  'max_messages',
  {
    botId: bigint('bot_id', { mode: 'number' }).notNull(),
    alias: bigint('alias', { mode: 'number' }).notNull(),
    mid: text('mid').notNull(),
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    text: text('text'),
    /** MAX attachment requests as sent; their shape is the adapter's (bot/platform/max/types.ts). */
    attachments: jsonb('attachments').$type<unknown[]>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.alias] }), index('max_messages_updated_idx').on(t.updatedAt)],
);
