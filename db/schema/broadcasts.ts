import { bigint, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { BroadcastAudience, BroadcastStatus } from '../../core/broadcast/broadcast-store';

/**
 * An informational message an admin sends to many people. Each recipient is one outbox row
 * (keyed by broadcast and person), so a restart resumes it and nobody gets it twice; its status
 * message in the admin's chat is edited with the counts as it goes.
 */
export const broadcasts = pgTable('broadcasts', {
  id: uuid('id').primaryKey().defaultRandom(),
  adminUserId: bigint('admin_user_id', { mode: 'number' }).notNull(),
  adminChatId: bigint('admin_chat_id', { mode: 'number' }).notNull(),
  /** Bigint: on MAX it holds a 53-bit alias of the message's string id. */
  statusMessageId: bigint('status_message_id', { mode: 'number' }),
  text: text('text').notNull(),
  audience: text('audience').$type<BroadcastAudience>().notNull(),
  status: text('status').$type<BroadcastStatus>().notNull().default('running'),
  /** Recipients written to the outbox so far; equals `total` once expansion is done. */
  queued: integer('queued').notNull().default(0),
  total: integer('total'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});
