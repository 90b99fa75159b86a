import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const SESSION_STATUSES = ['live', 'stopped', 'superseded', 'expired', 'revoked'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const SESSION_CHANNELS = ['chat', 'app'] as const;
export type SessionChannel = (typeof SESSION_CHANNELS)[number];

/**
 * A Digital ID screen: in a chat, one photo message re-signed every QR_REFRESH_SECONDS while
 * live; in the Mini App, the QR the page fetches, re-signed when asked for after its refresh time.
 */
export const digitalIdSessions = pgTable(
  'digital_id_sessions',
  {
    id: uuid('id').primaryKey(),
    /** The token's 16-byte session id, hex. */
    sid: text('sid').notNull().unique(),
    messengerUserId: bigint('messenger_user_id', { mode: 'number' }).notNull(),
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    accountId: text('account_id').notNull(),
    scenario: text('scenario').notNull(),
    locale: text('locale').notNull(),
    /** Bigint: on MAX it holds a 53-bit alias of the message's string id. */
    messageId: bigint('message_id', { mode: 'number' }),
    /**
     * A chat session's highest seq handed out; a refresh claims seq + 1 with a conditional
     * update. An app session's seq is its refresh window, computed, never stored: this stays 0.
     */
    seq: integer('seq').notNull().default(0),
    status: text('status').$type<SessionStatus>().notNull().default('live'),
    channel: text('channel').$type<SessionChannel>().notNull().default('chat'),
    endReason: text('end_reason'),
    /**
     * The QR_REFRESH_SECONDS and TOKEN_TTL_SECONDS in force when the session opened, which it
     * keeps: an app session's windows are numbered by the interval, so a change of the setting
     * must not renumber them, and its tokens must outlive that interval. The defaults are the
     * settings' own, for rows a process of the release before this column writes while the
     * releases roll; this release always writes both.
     */
    refreshSeconds: integer('refresh_seconds').notNull().default(30),
    tokenTtlSeconds: integer('token_ttl_seconds').notNull().default(45),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    // One live Digital ID per person: opening another supersedes it.
    uniqueIndex('digital_id_one_live_per_user').on(t.messengerUserId).where(sql`${t.status} = 'live'`),
    index('digital_id_sessions_account_idx').on(t.accountId),
    // The worker's sweep of app sessions nobody polled to their end (expireAppSessions).
    index('digital_id_live_app_sessions_ends_idx')
      .on(t.endsAt)
      .where(sql`${t.status} = 'live' and ${t.channel} = 'app'`),
  ],
);
