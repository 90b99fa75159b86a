import { and, count, eq, gt, isNull, max, notExists, sql } from 'drizzle-orm';
import type { Broadcast, BroadcastStore } from '../../core/broadcast/broadcast-store';
import type { OutgoingMessage } from '../../core/messaging/outgoing-message';
import type { Database } from '../database';
import { accountLinks, broadcasts, messengerUsers, outgoingMessages, trustLinks } from '../schema';
import { recordAudit } from './audit.repository';
import { outgoingMessageRepository } from './outgoing-message.repository';

export function broadcastRepository(db: Database): BroadcastStore {
  /** Linked people who can be reached (not blocked by us, not blocking the bot), by audience. */
  const audienceWhere = (audience: Broadcast['audience']) =>
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
  const audienceQuery = () =>
    db
      .select({ chatId: messengerUsers.chatId })
      .from(accountLinks)
      .innerJoin(messengerUsers, eq(messengerUsers.id, accountLinks.messengerUserId));

  return {
    /** A new running broadcast, audited as the admin's in the same transaction. */
    create(input: {
      adminUserId: number;
      adminChatId: number;
      text: string;
      audience: Broadcast['audience'];
      at: Date;
    }) {
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

    async find(id: string): Promise<Broadcast | null> {
      const [row] = await db.select().from(broadcasts).where(eq(broadcasts.id, id));
      return row ?? null;
    },

    async setStatusMessage(id: string, messageId: number) {
      await db.update(broadcasts).set({ statusMessageId: messageId }).where(eq(broadcasts.id, id));
    },

    async audienceSize(audience: Broadcast['audience']): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(accountLinks)
        .innerJoin(messengerUsers, eq(messengerUsers.id, accountLinks.messengerUserId))
        .where(audienceWhere(audience));
      return row?.n ?? 0;
    },

    /**
     * Writes the next `limit` recipients to the outbox, after the last chat already written, so
     * a run interrupted half-way resumes where it stopped; the keys keep anyone from getting two.
     */
    async writeNextBatch(broadcast: Broadcast, limit: number): Promise<string[]> {
      return db.transaction(async (tx) => {
        const [cursor] = await tx
          .select({ last: max(outgoingMessages.chatId) })
          .from(outgoingMessages)
          .where(eq(outgoingMessages.broadcastId, broadcast.id));
        const recipients = await audienceQuery()
          .where(
            and(
              audienceWhere(broadcast.audience),
              cursor?.last ? gt(messengerUsers.chatId, cursor.last) : undefined,
            ),
          )
          .orderBy(messengerUsers.chatId)
          .limit(limit);
        const message: OutgoingMessage = { text: broadcast.text };
        const ids = await outgoingMessageRepository(tx).addMany(
          recipients.map((r) => ({
            dedupeKey: `bc:${broadcast.id}:${r.chatId}`,
            chatId: r.chatId,
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

    async markAllQueued(id: string) {
      await db
        .update(broadcasts)
        .set({ total: sql`${broadcasts.queued}` })
        .where(eq(broadcasts.id, id));
    },

    async progress(id: string) {
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

    /** An admin stops a running broadcast: messages not yet sent will not be. False if it had ended. */
    cancel(id: string, at: Date, adminUserId: number): Promise<boolean> {
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

    async finish(id: string, at: Date): Promise<boolean> {
      const rows = await db
        .update(broadcasts)
        .set({ status: 'done', finishedAt: at })
        .where(and(eq(broadcasts.id, id), eq(broadcasts.status, 'running')))
        .returning({ id: broadcasts.id });
      return rows.length > 0;
    },
  };
}
