import { and, eq, lt } from 'drizzle-orm';
import type { Executor } from '../database';
import { maxMessages } from '../schema';

/** A message the bot sent on MAX, as the adapter keeps it (bot/platform/max/message-store.ts). */
export interface StoredMaxMessage<Attachment> {
  alias: number;
  mid: string;
  chatId: number;
  text: string | null;
  attachments: Attachment[];
}

/**
 * The MAX adapter's message store. The attachments' shape belongs to the adapter, which db/ may
 * not import: the caller names it (`maxMessageRepository<MaxAttachmentRequest>(db)`), and since
 * only the adapter writes these rows, what is read back is what it wrote.
 */
export function maxMessageRepository<Attachment>(db: Executor) {
  const key = (botId: number, alias: number) =>
    and(eq(maxMessages.botId, botId), eq(maxMessages.alias, alias));
  return {
    async remember(botId: number, message: StoredMaxMessage<Attachment>): Promise<void> {
      const row = {
        mid: message.mid,
        chatId: message.chatId,
        text: message.text,
        attachments: message.attachments as unknown[],
        updatedAt: new Date(),
      };
      await db
        .insert(maxMessages)
        .values({ botId, alias: message.alias, ...row })
        .onConflictDoUpdate({ target: [maxMessages.botId, maxMessages.alias], set: row });
    },

    async byAlias(botId: number, alias: number): Promise<StoredMaxMessage<Attachment> | null> {
      const [row] = await db.select().from(maxMessages).where(key(botId, alias));
      if (!row) return null;
      return {
        alias: row.alias,
        mid: row.mid,
        chatId: row.chatId,
        text: row.text,
        attachments: row.attachments as Attachment[],
      };
    },

    async forget(botId: number, alias: number): Promise<void> {
      await db.delete(maxMessages).where(key(botId, alias));
    },

    /** Messages not sent or edited since `instant`: nobody edits a month-old screen. */
    async pruneOlderThan(instant: Date): Promise<number> {
      const rows = await db
        .delete(maxMessages)
        .where(lt(maxMessages.updatedAt, instant))
        .returning({ alias: maxMessages.alias });
      return rows.length;
    },
  };
}

export type MaxMessageRepository<Attachment> = ReturnType<typeof maxMessageRepository<Attachment>>;
