import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** People who have written to the bot, as the messenger knows them. */
export const messengerUsers = pgTable('messenger_users', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  chatId: bigint('chat_id', { mode: 'number' }).notNull(),
  firstName: text('first_name').notNull(),
  lastName: text('last_name'),
  username: text('username'),
  languageCode: text('language_code'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  /** Set when a send answered "bot was blocked by the user"; cleared when they write again. */
  unreachableSince: timestamp('unreachable_since', { withTimezone: true }),
  /** Set by an admin's /block: every service politely refuses this person. */
  blockedAt: timestamp('blocked_at', { withTimezone: true }),
  blockReason: text('block_reason'),
});
