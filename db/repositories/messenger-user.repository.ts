import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../database';
import { messengerUsers } from '../schema';

export interface MessengerUserSeen {
  id: number;
  chatId: number;
  firstName: string;
  lastName?: string | undefined;
  username?: string | undefined;
  languageCode?: string | undefined;
}

export function messengerUserRepository(db: Executor) {
  return {
    /**
     * Remembers who wrote and in which language; writing again makes them reachable. Says whether
     * an admin blocked them, so the bot learns it from the write it makes anyway.
     */
    async recordSeen(user: MessengerUserSeen): Promise<{ blocked: boolean }> {
      const values = {
        id: user.id,
        chatId: user.chatId,
        firstName: user.firstName,
        lastName: user.lastName ?? null,
        username: user.username ?? null,
        languageCode: user.languageCode ?? null,
      };
      const [row] = await db
        .insert(messengerUsers)
        .values(values)
        .onConflictDoUpdate({
          target: messengerUsers.id,
          set: { ...values, lastSeenAt: sql`now()`, unreachableSince: null },
        })
        .returning({ blockedAt: messengerUsers.blockedAt });
      return { blocked: Boolean(row?.blockedAt) };
    },
    async markUnreachableByChat(chatId: number): Promise<void> {
      await db
        .update(messengerUsers)
        .set({ unreachableSince: sql`coalesce(${messengerUsers.unreachableSince}, now())` })
        .where(eq(messengerUsers.chatId, chatId));
    },
    async findById(id: number) {
      const [row] = await db.select().from(messengerUsers).where(eq(messengerUsers.id, id));
      return row ?? null;
    },
  };
}

export type MessengerUserRepository = ReturnType<typeof messengerUserRepository>;
