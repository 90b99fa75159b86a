import { sql } from 'drizzle-orm';
import { bigint, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const KEY_STATUSES = ['active', 'retired', 'removed'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** Digital ID signing keys; the private half only sealed with AES-256-GCM. */
export const signingKeys = pgTable(
  'signing_keys',
  {
    /** uint32, written into every token it signs. */
    kid: bigint('kid', { mode: 'number' }).primaryKey(),
    publicKey: text('public_key').notNull(),
    sealedSeed: text('sealed_seed').notNull(),
    status: text('status').$type<KeyStatus>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  // Exactly one key signs at a time.
  (t) => [uniqueIndex('signing_keys_one_active').on(t.status).where(sql`${t.status} = 'active'`)],
);
