import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { OutgoingMessage } from '../../core/messaging/outgoing-message';

export const OUTGOING_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutgoingStatus = (typeof OUTGOING_STATUSES)[number];

/**
 * The outbox of messages the service pushes to people. A job carries only the row's id;
 * the row records whether it was sent, so a retried or duplicated job sends once.
 */
export const outgoingMessages = pgTable(
  'outgoing_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Chosen by the producer (e.g. `invitation:<id>`): enqueuing the same key twice is one message. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    message: jsonb('message').$type<OutgoingMessage>().notNull(),
    status: text('status').$type<OutgoingStatus>().notNull().default('pending'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    /** Bigint: on MAX it holds a 53-bit alias of the message's string id. */
    sentMessageId: bigint('sent_message_id', { mode: 'number' }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** Set for the messages of an admin's broadcast: its progress is counted from them. */
    broadcastId: uuid('broadcast_id'),
  },
  (t) => [
    index('outgoing_messages_status_idx').on(t.status),
    index('outgoing_messages_broadcast_idx').on(t.broadcastId, t.status),
  ],
);
