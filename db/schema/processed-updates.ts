import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const UPDATE_STATES = ['handling', 'done'] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

/**
 * Updates taken in, so a redelivered update acts once and one whose process died is not
 * lost. A mark is `handling` while a process holds it (`holder`, until `lease_until`) and
 * `done` once its handling has an outcome. Pruned after a day.
 */
export const processedUpdates = pgTable(
  'processed_updates',
  {
    botId: bigint('bot_id', { mode: 'number' }).notNull(),
    updateId: bigint('update_id', { mode: 'number' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    // Marks written before the state existed were all handled.
    state: text('state').$type<UpdateState>().notNull().default('done'),
    holder: text('holder'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /**
     * The update itself, while a long-polling process holds it: the messenger has forgotten
     * it, so this is the only copy if that process dies. Cleared when done.
     */
    payload: jsonb('payload').$type<object>(),
  },
  (t) => [
    primaryKey({ columns: [t.botId, t.updateId] }),
    index('processed_updates_received_idx').on(t.receivedAt),
    index('processed_updates_handling_idx').on(t.botId, t.leaseUntil).where(sql`${t.state} = 'handling'`),
  ],
);
