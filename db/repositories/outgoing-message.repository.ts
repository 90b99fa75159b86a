import { and, eq, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { OutgoingMessage } from '../../core/messaging/outgoing-message';
import type { Executor } from '../database';
import { outgoingMessages } from '../schema';

export type OutgoingRow = typeof outgoingMessages.$inferSelect;

/** The outbox: producers add messages, the sender claims and settles them, maintenance relays and prunes. */
export function outgoingMessageRepository(db: Executor) {
  return { ...outboxEntries(db), ...sendClaims(db), ...sendOutcomes(db), ...outboxUpkeep(db) };
}

/** Messages put into the outbox, and read back by id. */
function outboxEntries(db: Executor) {
  return {
    /** Adds a message to the outbox; the same dedupe key returns the row already there. */
    async add(
      dedupeKey: string,
      chatId: number,
      message: OutgoingMessage,
    ): Promise<{ id: string; created: boolean }> {
      const inserted = await db
        .insert(outgoingMessages)
        .values({ dedupeKey, chatId, message })
        .onConflictDoNothing({ target: outgoingMessages.dedupeKey })
        .returning({ id: outgoingMessages.id });
      if (inserted[0]) return { id: inserted[0].id, created: true };
      const [existing] = await db
        .select({ id: outgoingMessages.id })
        .from(outgoingMessages)
        .where(eq(outgoingMessages.dedupeKey, dedupeKey));
      if (!existing) throw new Error(`outbox row ${dedupeKey} vanished between insert and select`);
      return { id: existing.id, created: false };
    },

    /** Several messages in one statement; keys already there return the rows already there. */
    async addMany(
      rows: { dedupeKey: string; chatId: number; message: OutgoingMessage }[],
    ): Promise<string[]> {
      if (rows.length === 0) return [];
      const inserted = await db
        .insert(outgoingMessages)
        .values(rows)
        .onConflictDoNothing({ target: outgoingMessages.dedupeKey })
        .returning({ id: outgoingMessages.id, dedupeKey: outgoingMessages.dedupeKey });
      const missing = rows.map((r) => r.dedupeKey).filter((k) => !inserted.some((i) => i.dedupeKey === k));
      const existing =
        missing.length === 0
          ? []
          : await db
              .select({ id: outgoingMessages.id, dedupeKey: outgoingMessages.dedupeKey })
              .from(outgoingMessages)
              .where(inArray(outgoingMessages.dedupeKey, missing));
      return [...inserted, ...existing].map((r) => r.id);
    },

    async find(id: string): Promise<OutgoingRow | null> {
      const [row] = await db.select().from(outgoingMessages).where(eq(outgoingMessages.id, id));
      return row ?? null;
    },
  };
}

/** The right to send a message: one worker at a time, and what happens when its worker dies. */
function sendClaims(db: Executor) {
  return {
    /**
     * Takes the right to send a message for `leaseMs`, in one conditional update: only one
     * worker can hold it, and a worker that died lets it go when the lease runs out.
     */
    async claim(id: string, leaseMs: number): Promise<OutgoingRow | null> {
      const [row] = await db
        .update(outgoingMessages)
        .set({
          status: 'sending',
          leaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
          attempts: sql`${outgoingMessages.attempts} + 1`,
        })
        .where(
          and(
            eq(outgoingMessages.id, id),
            or(
              eq(outgoingMessages.status, 'pending'),
              // A send whose worker died may or may not have reached the person. A message that
              // matters (a prompt, a notice) is sent again; a broadcast's is not (see abandon).
              and(
                eq(outgoingMessages.status, 'sending'),
                lt(outgoingMessages.leaseUntil, sql`now()`),
                isNull(outgoingMessages.broadcastId),
              ),
            ),
          ),
        )
        .returning();
      return row ?? null;
    },

    /**
     * A broadcast message whose worker died mid-send: given up rather than risk a second copy
     * (an informational message is better missed than doubled). False while the lease holds.
     */
    async abandon(id: string): Promise<boolean> {
      const rows = await db
        .update(outgoingMessages)
        .set({ status: 'failed', leaseUntil: null, lastError: 'interrupted mid-send; not sent again' })
        .where(
          and(
            eq(outgoingMessages.id, id),
            eq(outgoingMessages.status, 'sending'),
            lt(outgoingMessages.leaseUntil, sql`now()`),
            isNotNull(outgoingMessages.broadcastId),
          ),
        )
        .returning({ id: outgoingMessages.id });
      return rows.length > 0;
    },
  };
}

/** How a claimed send ended: sent, given back for another try, or given up. */
function sendOutcomes(db: Executor) {
  return {
    async markSent(id: string, messageId: number): Promise<void> {
      await db
        .update(outgoingMessages)
        .set({
          status: 'sent',
          sentMessageId: messageId,
          sentAt: sql`now()`,
          leaseUntil: null,
          lastError: null,
        })
        .where(and(eq(outgoingMessages.id, id), eq(outgoingMessages.status, 'sending')));
    },

    /** Gives a claimed message back, for a later attempt. */
    async release(id: string, error: string): Promise<void> {
      await db
        .update(outgoingMessages)
        .set({ status: 'pending', leaseUntil: null, lastError: error })
        .where(and(eq(outgoingMessages.id, id), eq(outgoingMessages.status, 'sending')));
    },

    async markFailed(id: string, error: string): Promise<void> {
      await db
        .update(outgoingMessages)
        .set({ status: 'failed', leaseUntil: null, lastError: error })
        .where(
          and(
            eq(outgoingMessages.id, id),
            or(eq(outgoingMessages.status, 'sending'), eq(outgoingMessages.status, 'pending')),
          ),
        );
    },
  };
}

/** Maintenance: rows to relay to the queue after a restart, and rows old enough to forget. */
function outboxUpkeep(db: Executor) {
  return {
    /**
     * The outbox keeps what it sent (or gave up on) for a day, long enough for a retried producer's
     * dedupe key to find it, then forgets the text: sent rows a day after sending, failed ones a
     * day after they were written. Returns how many went.
     */
    async pruneFinishedBefore(cutoff: Date): Promise<number> {
      const rows = await db
        .delete(outgoingMessages)
        .where(
          or(
            and(eq(outgoingMessages.status, 'sent'), lt(outgoingMessages.sentAt, cutoff)),
            and(eq(outgoingMessages.status, 'failed'), lt(outgoingMessages.createdAt, cutoff)),
          ),
        )
        .returning({ id: outgoingMessages.id });
      return rows.length;
    },

    /** Rows not yet sent, oldest first: relayed to the queue on start-up in case Redis lost them. */
    async listUnsent(limit: number): Promise<{ id: string }[]> {
      return db
        .select({ id: outgoingMessages.id })
        .from(outgoingMessages)
        .where(or(eq(outgoingMessages.status, 'pending'), eq(outgoingMessages.status, 'sending')))
        .orderBy(outgoingMessages.createdAt)
        .limit(limit);
    },
  };
}

export type OutgoingMessageRepository = ReturnType<typeof outgoingMessageRepository>;
