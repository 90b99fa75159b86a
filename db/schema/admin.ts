import { bigint, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * A destructive admin action waiting for its confirmation button: carried out once, by the admin
 * who asked, before it expires. The button carries only this row's id.
 */
export const adminConfirmations = pgTable('admin_confirmations', {
  id: uuid('id').primaryKey().defaultRandom(),
  adminUserId: bigint('admin_user_id', { mode: 'number' }).notNull(),
  action: text('action').notNull(),
  payload: jsonb('payload').$type<Record<string, string | number>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});
