import { and, count, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { PersonRef } from '../../core/admin/person-ref';
import type { Account } from '../../core/identity/account';
import type { Database } from '../database';
import { loadAccounts } from '../registry/import-registry';
import {
  accountLinks,
  accountRoles,
  accounts,
  adminConfirmations,
  auditEvents,
  digitalIdSessions,
  messengerUsers,
  recoveryRequests,
  signingKeys,
  trustLinks,
} from '../schema';

type UserRow = typeof messengerUsers.$inferSelect;

export interface Person {
  user: UserRow | null;
  account: Account | null;
}

/** What admins read and change about people; every change here is audited by the caller. */
export function adminRepository(db: Database) {
  async function withLinks(users: UserRow[], accountIds: string[]): Promise<Person[]> {
    const links = await db
      .select()
      .from(accountLinks)
      .where(
        users.length > 0
          ? inArray(
              accountLinks.messengerUserId,
              users.map((u) => u.id),
            )
          : inArray(accountLinks.accountId, accountIds.length > 0 ? accountIds : ['']),
      );
    const ids = [...new Set([...accountIds, ...links.map((l) => l.accountId)])];
    const found = await loadAccounts(db, ids);
    if (users.length > 0)
      return users.map((user) => {
        const link = links.find((l) => l.messengerUserId === user.id);
        return { user, account: found.find((a) => a.id === link?.accountId) ?? null };
      });
    const linkedUsers =
      links.length > 0
        ? await db
            .select()
            .from(messengerUsers)
            .where(
              inArray(
                messengerUsers.id,
                links.map((l) => l.messengerUserId),
              ),
            )
        : [];
    return found.map((account) => {
      const link = links.find((l) => l.accountId === account.id);
      return { account, user: linkedUsers.find((u) => u.id === link?.messengerUserId) ?? null };
    });
  }

  return {
    /** Everyone the reference may mean: none, one, or (a number that is both an id and an account) two. */
    async resolve(ref: PersonRef): Promise<Person[]> {
      switch (ref.kind) {
        case 'username':
          return withLinks(
            await db
              .select()
              .from(messengerUsers)
              .where(sql`lower(${messengerUsers.username}) = lower(${ref.username})`),
            [],
          );
        case 'phone': {
          const rows = await db
            .select({ id: accounts.id })
            .from(accounts)
            .where(eq(accounts.phone, ref.phone));
          return withLinks(
            [],
            rows.map((r) => r.id),
          );
        }
        case 'account':
          return withLinks([], [ref.id]);
        case 'number': {
          const asUser = /^\d{1,15}$/.test(ref.value)
            ? await withLinks(
                await db
                  .select()
                  .from(messengerUsers)
                  .where(eq(messengerUsers.id, Number(ref.value))),
                [],
              )
            : [];
          const asAccount = await withLinks([], [ref.value]);
          return [
            ...asUser,
            ...asAccount.filter((p) => !asUser.some((u) => u.account?.id === p.account?.id)),
          ];
        }
      }
    },

    async rolesOf(accountId: string): Promise<string[]> {
      const rows = await db
        .select({ role: accountRoles.role })
        .from(accountRoles)
        .where(eq(accountRoles.accountId, accountId));
      return rows.map((r) => r.role).sort();
    },

    async revokeRole(accountId: string, role: string): Promise<boolean> {
      const rows = await db
        .delete(accountRoles)
        .where(and(eq(accountRoles.accountId, accountId), eq(accountRoles.role, role)))
        .returning({ role: accountRoles.role });
      return rows.length > 0;
    },

    /** Messenger users whose linked account holds the role (their chats get the admin menu). */
    async usersWithRole(role: string): Promise<number[]> {
      const rows = await db
        .select({ userId: accountLinks.messengerUserId })
        .from(accountRoles)
        .innerJoin(accountLinks, eq(accountLinks.accountId, accountRoles.accountId))
        .where(eq(accountRoles.role, role));
      return rows.map((r) => r.userId);
    },

    async setBlocked(userId: number, block: { reason: string; at: Date } | null): Promise<boolean> {
      const rows = await db
        .update(messengerUsers)
        .set(
          block ? { blockedAt: block.at, blockReason: block.reason } : { blockedAt: null, blockReason: null },
        )
        .where(
          and(
            eq(messengerUsers.id, userId),
            block ? isNull(messengerUsers.blockedAt) : sql`${messengerUsers.blockedAt} is not null`,
          ),
        )
        .returning({ id: messengerUsers.id });
      return rows.length > 0;
    },

    async liveSessionOf(userId: number): Promise<string | null> {
      const [row] = await db
        .select({ id: digitalIdSessions.id })
        .from(digitalIdSessions)
        .where(and(eq(digitalIdSessions.messengerUserId, userId), eq(digitalIdSessions.status, 'live')));
      return row?.id ?? null;
    },

    async stats() {
      const [[linked], [live], [relationships], recoveries, [activeKey]] = await Promise.all([
        db.select({ n: count() }).from(accountLinks),
        db.select({ n: count() }).from(digitalIdSessions).where(eq(digitalIdSessions.status, 'live')),
        db.select({ n: count() }).from(trustLinks).where(eq(trustLinks.status, 'active')),
        db
          .select({ status: recoveryRequests.status, n: count() })
          .from(recoveryRequests)
          .groupBy(recoveryRequests.status),
        db.select({ kid: signingKeys.kid }).from(signingKeys).where(eq(signingKeys.status, 'active')),
      ]);
      return {
        linked: linked?.n ?? 0,
        liveSessions: live?.n ?? 0,
        relationships: relationships?.n ?? 0,
        recoveries: Object.fromEntries(recoveries.map((r) => [r.status, r.n])),
        activeKid: activeKey?.kid ?? null,
      };
    },

    async propose(
      adminUserId: number,
      action: string,
      payload: Record<string, string | number>,
      at: Date,
      ttlSeconds = 300,
    ) {
      const [row] = await db
        .insert(adminConfirmations)
        .values({
          adminUserId,
          action,
          payload,
          createdAt: at,
          expiresAt: new Date(at.getTime() + ttlSeconds * 1000),
        })
        .returning({ id: adminConfirmations.id });
      return row?.id as string;
    },

    /** The confirmation, used up: only by the admin who asked, once, before it expires. */
    async confirm(id: string, adminUserId: number, at: Date) {
      const [row] = await db
        .update(adminConfirmations)
        .set({ usedAt: at })
        .where(
          and(
            eq(adminConfirmations.id, id),
            eq(adminConfirmations.adminUserId, adminUserId),
            isNull(adminConfirmations.usedAt),
            gt(adminConfirmations.expiresAt, at),
          ),
        )
        .returning();
      return row ? { action: row.action, payload: row.payload } : null;
    },

    async audit(options: { accountId?: string; offset: number; limit: number }) {
      return db
        .select()
        .from(auditEvents)
        .where(options.accountId ? sql`${options.accountId} = any(${auditEvents.accountIds})` : undefined)
        .orderBy(desc(auditEvents.at))
        .offset(options.offset)
        .limit(options.limit);
    },
  };
}

export type AdminRepository = ReturnType<typeof adminRepository>;
