import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * A QR (sid + seq) confirmed once: a second scan answers `replayed`. Kept until the token
 * could no longer verify anyway, then pruned.
 */
export const digitalIdTokenUses = pgTable(
  'digital_id_token_uses',
  {
    sid: text('sid').notNull(),
    seq: integer('seq').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sid, t.seq] }),
    index('digital_id_token_uses_expires_idx').on(t.expiresAt),
  ],
);

/** Checkouts and other systems allowed to call POST /api/v1/verify; keys kept only as hashes. */
export const verifierKeys = pgTable('verifier_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** Written at most once a minute per key and process, so busy checkouts cost no write per scan. */
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** The scenario a verifier in the bot is checking, chosen once like a checkout's mode. */
export const verifierDesks = pgTable('verifier_desks', {
  messengerUserId: bigint('messenger_user_id', { mode: 'number' }).primaryKey(),
  scenario: text('scenario').notNull(),
  chosenAt: timestamp('chosen_at', { withTimezone: true }).notNull().defaultNow(),
});
