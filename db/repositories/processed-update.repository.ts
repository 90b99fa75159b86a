import { and, asc, eq, inArray, isNotNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../database';
import { processedUpdates } from '../schema';

/** What a process may do with an update: handle it, or not (handled, or held by a live process). */
export type UpdateClaim = 'taken' | 'done' | 'in_hand';

/** One holder's right to handle an update, until its lease lapses. */
export interface Holding {
  botId: number;
  holder: string;
  leaseSeconds: number;
}

const leaseEnd = (seconds: number) => sql`now() + make_interval(secs => ${seconds})`;
const handling = eq(processedUpdates.state, 'handling');
const lapsed = lt(processedUpdates.leaseUntil, sql`now()`);
/** These updates of the bot, while this holder still handles them. */
const heldBy = (h: Holding, updates: SQL | undefined) =>
  and(eq(processedUpdates.botId, h.botId), updates, eq(processedUpdates.holder, h.holder), handling);

export function processedUpdateRepository(db: Executor) {
  return {
    ...updateArrivals(db),
    ...updateHoldings(db),

    /** Messengers redeliver within minutes; a day of ids is plenty. */
    async pruneOlderThan(instant: Date): Promise<number> {
      const rows = await db
        .delete(processedUpdates)
        .where(lt(processedUpdates.receivedAt, instant))
        .returning({ id: processedUpdates.updateId });
      return rows.length;
    },
  };
}

/** An update comes in: fetched by long polling, or delivered to be handled now. */
function updateArrivals(db: Executor) {
  return {
    /**
     * Takes in updates fetched by long polling, with their payload, before the messenger is
     * told they arrived. One seen before is left as it is.
     */
    async receive(h: Holding, updates: Array<{ updateId: number; payload: object }>): Promise<void> {
      if (updates.length === 0) return;
      await db
        .insert(processedUpdates)
        .values(
          updates.map((u) => ({
            botId: h.botId,
            updateId: u.updateId,
            state: 'handling' as const,
            holder: h.holder,
            leaseUntil: leaseEnd(h.leaseSeconds),
            payload: u.payload,
          })),
        )
        .onConflictDoNothing();
    },

    /**
     * Takes an update to handle, in one conditional write: a new one, one this holder marked
     * before (taken in, taken over, or cut short by an outage), or one left `handling` by a
     * process whose lease lapsed (it died). Not one that is done or held by a live process.
     */
    async claim(h: Holding, updateId: number): Promise<UpdateClaim> {
      const taken = await db
        .insert(processedUpdates)
        .values({
          botId: h.botId,
          updateId,
          state: 'handling',
          holder: h.holder,
          leaseUntil: leaseEnd(h.leaseSeconds),
        })
        .onConflictDoUpdate({
          target: [processedUpdates.botId, processedUpdates.updateId],
          set: { holder: h.holder, leaseUntil: leaseEnd(h.leaseSeconds) },
          setWhere: and(handling, or(lapsed, eq(processedUpdates.holder, h.holder))),
        })
        .returning({ updateId: processedUpdates.updateId });
      if (taken.length === 1) return 'taken';
      const [mark] = await db
        .select({ state: processedUpdates.state })
        .from(processedUpdates)
        .where(and(eq(processedUpdates.botId, h.botId), eq(processedUpdates.updateId, updateId)));
      return mark?.state === 'handling' ? 'in_hand' : 'done';
    },
  };
}

/** A holder's lease on the updates it handles: kept alive, ended, or taken over from a dead holder. */
function updateHoldings(db: Executor) {
  return {
    /** Extends the holder's lease on these updates; returns the ids that are still its own. */
    async renew(h: Holding, updateIds: number[]): Promise<number[]> {
      const rows = await db
        .update(processedUpdates)
        .set({ leaseUntil: leaseEnd(h.leaseSeconds) })
        .where(heldBy(h, inArray(processedUpdates.updateId, updateIds)))
        .returning({ updateId: processedUpdates.updateId });
      return rows.map((r) => r.updateId);
    },

    /** The handling has its outcome: a redelivery is a duplicate from now on. */
    async finish(h: Holding, updateId: number): Promise<void> {
      await db
        .update(processedUpdates)
        .set({ state: 'done', holder: null, leaseUntil: null, payload: null })
        .where(heldBy(h, eq(processedUpdates.updateId, updateId)));
    },

    /**
     * Takes over, oldest first, updates another process left `handling` with their payload
     * when its lease lapsed (it died): the messenger will not deliver them again.
     */
    async takeOverLapsed(h: Holding, limit: number): Promise<Array<{ updateId: number; payload: object }>> {
      const orphans = db
        .select({ updateId: processedUpdates.updateId })
        .from(processedUpdates)
        .where(
          and(
            eq(processedUpdates.botId, h.botId),
            handling,
            lapsed,
            ne(processedUpdates.holder, h.holder),
            isNotNull(processedUpdates.payload),
          ),
        )
        .orderBy(asc(processedUpdates.updateId))
        .limit(limit)
        .for('update', { skipLocked: true });
      const rows = await db
        .update(processedUpdates)
        .set({ holder: h.holder, leaseUntil: leaseEnd(h.leaseSeconds) })
        .where(
          and(
            eq(processedUpdates.botId, h.botId),
            inArray(processedUpdates.updateId, orphans),
            handling,
            lapsed,
          ),
        )
        .returning({ updateId: processedUpdates.updateId, payload: processedUpdates.payload });
      return rows
        .flatMap((r) => (r.payload ? [{ updateId: r.updateId, payload: r.payload }] : []))
        .sort((a, b) => a.updateId - b.updateId);
    },
  };
}

export type ProcessedUpdateRepository = ReturnType<typeof processedUpdateRepository>;
