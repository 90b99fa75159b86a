import { and, count, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import {
  type AdminAct,
  type AdminStore,
  CONFIRMATION_SECONDS,
  type Person,
} from '../../core/admin/admin-store';
import type { PersonRef } from '../../core/admin/person-ref';
import type { Database, Executor } from '../database';
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
import { type AuditEntry, recordAudit } from './audit.repository';
import { digitalIdSessionRepository } from './digital-id-session.repository';
import { roleRepository } from './role.repository';
import type { SigningKeyRepository } from './signing-key.repository';

type UserRow = typeof messengerUsers.$inferSelect;

const audited = (
  act: AdminAct,
  action: string,
  subject: { type: string; id: string },
  accountIds: string[],
  details?: AuditEntry['details'],
): AuditEntry => ({
  at: act.at,
  actor: `admin:${act.adminUserId}`,
  action: `admin.${action}`,
  subjectType: subject.type,
  subjectId: subject.id,
  accountIds,
  ...(details ? { details } : {}),
});

const liveSessionOf = async (db: Executor, userId: number) => {
  const [row] = await db
    .select({ id: digitalIdSessions.id })
    .from(digitalIdSessions)
    .where(and(eq(digitalIdSessions.messengerUserId, userId), eq(digitalIdSessions.status, 'live')));
  return row?.id ?? null;
};

/**
 * What admins read and change about people and keys (core/admin/admin-store.ts). Each change is
 * one transaction with its audit row: a failure anywhere in it leaves neither.
 */
export function adminRepository(deps: { db: Database; keys: SigningKeyRepository }): AdminStore {
  const { db } = deps;
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

    keys: () => deps.keys.list(),

    liveSessionOf: (userId) => liveSessionOf(db, userId),

    async ties(userId, accountId) {
      const session = await liveSessionOf(db, userId);
      if (!accountId) return { liveSession: session !== null, relationships: 0, pendingRecoveries: 0 };
      const [[relationships], [pending]] = await Promise.all([
        db
          .select({ n: count() })
          .from(trustLinks)
          .where(
            and(
              eq(trustLinks.status, 'active'),
              or(eq(trustLinks.trustorAccountId, accountId), eq(trustLinks.contactAccountId, accountId)),
            ),
          ),
        db
          .select({ n: count() })
          .from(recoveryRequests)
          .innerJoin(trustLinks, eq(trustLinks.id, recoveryRequests.trustLinkId))
          .where(
            and(
              eq(recoveryRequests.status, 'pending'),
              eq(trustLinks.status, 'active'),
              or(eq(trustLinks.trustorAccountId, accountId), eq(trustLinks.contactAccountId, accountId)),
            ),
          ),
      ]);
      return {
        liveSession: session !== null,
        relationships: relationships?.n ?? 0,
        pendingRecoveries: pending?.n ?? 0,
      };
    },

    async auditPage(options) {
      return db
        .select()
        .from(auditEvents)
        .where(options.accountId ? sql`${options.accountId} = any(${auditEvents.accountIds})` : undefined)
        .orderBy(desc(auditEvents.at))
        .offset(options.offset)
        .limit(options.limit);
    },

    async usersWithRole(role) {
      const rows = await db
        .select({ userId: accountLinks.messengerUserId })
        .from(accountRoles)
        .innerJoin(accountLinks, eq(accountLinks.accountId, accountRoles.accountId))
        .where(eq(accountRoles.role, role));
      return rows.map((r) => r.userId);
    },

    async propose(adminUserId, action, payload, at, ttlSeconds = CONFIRMATION_SECONDS) {
      const expiresAt = new Date(at.getTime() + ttlSeconds * 1000);
      const [row] = await db
        .insert(adminConfirmations)
        .values({ adminUserId, action, payload, createdAt: at, expiresAt })
        .returning({ id: adminConfirmations.id });
      return row?.id as string;
    },

    async confirm(id, adminUserId, at, actions) {
      const [row] = await db
        .update(adminConfirmations)
        .set({ usedAt: at })
        .where(
          and(
            eq(adminConfirmations.id, id),
            eq(adminConfirmations.adminUserId, adminUserId),
            inArray(adminConfirmations.action, [...actions]),
            isNull(adminConfirmations.usedAt),
            gt(adminConfirmations.expiresAt, at),
          ),
        )
        .returning();
      return row ? { action: row.action, payload: row.payload } : null;
    },

    lookUp(person, act) {
      return db.transaction(async (tx) => {
        const roles = person.account
          ? (
              await tx
                .select({ role: accountRoles.role })
                .from(accountRoles)
                .where(eq(accountRoles.accountId, person.account.id))
            )
              .map((r) => r.role)
              .sort()
          : [];
        const liveSession = person.user ? await liveSessionOf(tx, person.user.id) : null;
        await recordAudit(
          tx,
          audited(
            act,
            'whois',
            { type: 'person', id: person.account?.id ?? String(person.user?.id) },
            person.account ? [person.account.id] : [],
          ),
        );
        return { roles, liveSession };
      });
    },

    setBlocked(who, block, act) {
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(messengerUsers)
          .set(
            block ? { blockedAt: act.at, blockReason: block.reason } : { blockedAt: null, blockReason: null },
          )
          .where(
            and(
              eq(messengerUsers.id, who.userId),
              block ? isNull(messengerUsers.blockedAt) : sql`${messengerUsers.blockedAt} is not null`,
            ),
          )
          .returning({ id: messengerUsers.id });
        if (rows.length === 0) return false;
        await recordAudit(
          tx,
          audited(
            act,
            block ? 'block' : 'unblock',
            { type: 'messenger_user', id: String(who.userId) },
            who.accountId ? [who.accountId] : [],
            block ? { reason: block.reason } : undefined,
          ),
        );
        return true;
      });
    },

    setRole(accountId, role, granted, act) {
      return db.transaction(async (tx) => {
        const changed = granted
          ? await roleRepository(tx).grant(accountId, role, `admin:${act.adminUserId}`)
          : (
              await tx
                .delete(accountRoles)
                .where(and(eq(accountRoles.accountId, accountId), eq(accountRoles.role, role)))
                .returning({ role: accountRoles.role })
            ).length > 0;
        if (changed)
          await recordAudit(
            tx,
            audited(act, granted ? 'grant' : 'revoke_role', { type: 'account', id: accountId }, [accountId], {
              role,
            }),
          );
        return changed;
      });
    },

    revokeSession(sessionId, reason, act) {
      return db.transaction(async (tx) => {
        const ended = await digitalIdSessionRepository(tx).end(sessionId, 'revoked', reason, act.at);
        if (ended)
          await recordAudit(
            tx,
            audited(act, 'revoke', { type: 'digital_id_session', id: sessionId }, [ended.accountId]),
          );
        return ended;
      });
    },

    rotateKey(act) {
      return db.transaction(async (tx) => {
        const rotated = await deps.keys.within(tx).rotate(act.at);
        await recordAudit(
          tx,
          audited(act, 'rotate_key', { type: 'signing_key', id: String(rotated.active) }, [], {
            retired: rotated.retired,
          }),
        );
        return rotated;
      });
    },

    removeKey(kid, retiredBefore, act) {
      return db.transaction(async (tx) => {
        const outcome = await deps.keys.within(tx).remove(kid, act.at, retiredBefore);
        if (outcome === 'removed')
          await recordAudit(tx, audited(act, 'remove_key', { type: 'signing_key', id: String(kid) }, []));
        return outcome;
      });
    },
  };
}

export type AdminRepository = ReturnType<typeof adminRepository>;
