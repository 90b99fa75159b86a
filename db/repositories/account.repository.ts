import { and, eq } from 'drizzle-orm';
import type { AccountDirectory, LinkStore } from '../../core/identity/account-linking';
import type { Database } from '../database';
import { loadAccounts } from '../registry/import-registry';
import { accountLinks, accounts } from '../schema';

export function accountRepository(db: Database): AccountDirectory & LinkStore {
  return {
    async findConfirmedByPhone(phone) {
      const [row] = await db
        .select({ id: accounts.id })
        .from(accounts)
        .where(and(eq(accounts.phone, phone), eq(accounts.confirmed, true)));
      return row ? ((await loadAccounts(db, [row.id]))[0] ?? null) : null;
    },

    async findLinkedTo(messengerUserId) {
      const [row] = await db
        .select({ id: accountLinks.accountId })
        .from(accountLinks)
        .where(eq(accountLinks.messengerUserId, messengerUserId));
      return row ? ((await loadAccounts(db, [row.id]))[0] ?? null) : null;
    },

    async findById(accountId) {
      return (await loadAccounts(db, [accountId]))[0] ?? null;
    },

    async linkedUserOf(accountId) {
      const [row] = await db
        .select({ userId: accountLinks.messengerUserId })
        .from(accountLinks)
        .where(eq(accountLinks.accountId, accountId));
      return row?.userId ?? null;
    },

    link(accountId, messengerUserId) {
      return db.transaction(async (tx) => {
        const [previous] = await tx
          .delete(accountLinks)
          .where(eq(accountLinks.accountId, accountId))
          .returning({ userId: accountLinks.messengerUserId });
        // A user who linked another account before now holds this one instead.
        await tx.delete(accountLinks).where(eq(accountLinks.messengerUserId, messengerUserId));
        await tx.insert(accountLinks).values({ accountId, messengerUserId });
        return { previousUserId: previous?.userId ?? null };
      });
    },
  };
}
