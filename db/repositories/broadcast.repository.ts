import { and, count, eq, gt, isNull, max, notExists, sql } from 'drizzle-orm';
import type { Broadcast, BroadcastAudience, BroadcastStore } from '../../core/broadcast/broadcast-store';
import type { OutgoingMessage } from '../../core/messaging/outgoing-message';
import type { Database, Executor } from '../database';
import { accountLinks, broadcasts, messengerUsers, outgoingMessages, trustLinks } from '../schema';
import { recordAudit } from './audit.repository';
import { outgoingMessageRepository } from './outgoing-message.repository';

export function broadcastRepository(db: Database): BroadcastStore {
  return { ...broadcastRuns(db), ...broadcastExpansion(db) };
}

/** Linked people who can be reached (not blocked by us, not blocking the bot), by audience. */
const reachable = (db: Executor, audience: BroadcastAudience) =>
  and(
    isNull(messengerUsers.unreachableSince),
    isNull(messengerUsers.blockedAt),
    audience === 'no_contact'
      ? notExists(
          db
            .select({ one: sql`1` })
            .from(trustLinks)
            .where(
              and(eq(trustLinks.trustorAccountId, accountLinks.accountId), eq(trustLinks.status, 'active')),
            ),
        )
      : undefined,
  );

/** The admin's side: a broadcast starts, shows its status message, and is stopped or ends. */
function broadcastRuns(
  db: Database,
): Pick<BroadcastStore, 'create' | 'find' | 'setStatusMessage' | 'cancel' | 'finish'> {
  return {
    /** A new running broadcast, audited as the admin's in the same transaction. */
    create(input) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(broadcasts)
          .values({ ...input, createdAt: input.at })
          .returning();
        const created = row as Broadcast;
        await recordAudit(tx, {
          at: input.at,
          actor: `admin:${input.adminUserId}`,
          action: 'admin.broadcast',
          subjectType: 'broadcast',
          subjectId: created.id,
          accountIds: [],
          details: { audience: input.audience, length: input.text.length },
        });
        return created;
      });
    },

    async find(id) {
      const [row] = await db.select().from(broadcasts).where(eq(broadcasts.id, id));
      return row ?? null;
    },

    async setStatusMessage(id, messageId) {
      await db.update(broadcasts).set({ statusMessageId: messageId }).where(eq(broadcasts.id, id));
    },

    cancel(id, at, adminUserId) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(broadcasts)
          .set({ status: 'cancelled', finishedAt: at })
          .where(and(eq(broadcasts.id, id), eq(broadcasts.status, 'running')))
          .returning({ id: broadcasts.id });
        if (!row) return false;
        await tx
          .update(outgoingMessages)
          .set({ status: 'failed', lastError: 'cancelled' })
          .where(and(eq(outgoingMessages.broadcastId, id), eq(outgoingMessages.status, 'pending')));
        await recordAudit(tx, {
          at,
          actor: `admin:${adminUserId}`,
          action: 'admin.broadcast_stop',
          subjectType: 'broadcast',
          subjectId: id,
          accountIds: [],
        });
        return true;
      });
    },

    async finish(id, at) {
      const rows = await db
        .update(broadcasts)
        .set({ status: 'done', finishedAt: at })
        .where(and(eq(broadcasts.id, id), eq(broadcasts.status, 'running')))
        .returning({ id: broadcasts.id });
      return rows.length > 0;
    },
  };
}

/** The worker's side: a broadcast becomes outbox rows, batch by batch, and its rows are counted. */
function broadcastExpansion(
  db: Database,
): Pick<BroadcastStore, 'audienceSize' | 'writeNextBatch' | 'markAllQueued' | 'progress'> {
  return {
    async audienceSize(audience) {
      const [row] = await db
        .select({ n: count() })
        .from(accountLinks)
        .innerJoin(messengerUsers, eq(messengerUsers.id, accountLinks.messengerUserId))
        .where(reachable(db, audience));
      return row?.n ?? 0;
    },

    /**
     * Writes the next `limit` recipients to the outbox, after the last chat already written, so
     * a run interrupted half-way resumes where it stopped; the keys keep anyone from getting two.
     */
    writeNextBatch(broadcast, limit) {
      return db.transaction(async (tx) => {
        const message: OutgoingMessage = { text: broadcast.text };
        const recipients = await nextRecipients(tx, broadcast, limit);
        const ids = await outgoingMessageRepository(tx).addMany(
          recipients.map((chatId) => ({
            dedupeKey: `bc:${broadcast.id}:${chatId}`,
            chatId,
            message,
            broadcastId: broadcast.id,
          })),
        );
        await tx
          .update(broadcasts)
          .set({ queued: sql`${broadcasts.queued} + ${ids.length}` })
          .where(eq(broadcasts.id, broadcast.id));
        return ids;
      });
    },

    async markAllQueued(id) {
      await db
        .update(broadcasts)
        .set({ total: sql`${broadcasts.queued}` })
        .where(eq(broadcasts.id, id));
    },

    async progress(id) {
      // A message cancelled before it went out counts apart from one the messenger refused.
      const state = sql<string>`case when ${outgoingMessages.lastError} = 'cancelled' and ${outgoingMessages.status} = 'failed' then 'cancelled' else ${outgoingMessages.status} end`;
      const rows = await db
        .select({ state, n: count() })
        .from(outgoingMessages)
        .where(eq(outgoingMessages.broadcastId, id))
        .groupBy(state);
      const of = (s: string) => rows.find((r) => r.state === s)?.n ?? 0;
      return {
        sent: of('sent'),
        failed: of('failed'),
        cancelled: of('cancelled'),
        left: of('pending') + of('sending'),
      };
    },
  };
}

/** The chats of the broadcast's audience after the last one already in its outbox, in order. */
async function nextRecipients(tx: Executor, broadcast: Broadcast, limit: number): Promise<number[]> {
  const [cursor] = await tx
    .select({ last: max(outgoingMessages.chatId) })
    .from(outgoingMessages)
    .where(eq(outgoingMessages.broadcastId, broadcast.id));
  const rows = await tx
    .select({ chatId: messengerUsers.chatId })
    .from(accountLinks)
    .innerJoin(messengerUsers, eq(messengerUsers.id, accountLinks.messengerUserId))
    .where(
      and(
        reachable(tx, broadcast.audience),
        cursor?.last ? gt(messengerUsers.chatId, cursor.last) : undefined,
      ),
    )
    .orderBy(messengerUsers.chatId)
    .limit(limit);
  return rows.map((r) => r.chatId);
}
