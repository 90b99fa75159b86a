import { and, eq } from 'drizzle-orm';
import type { AdminAct } from '../../core/admin/admin-store';
import type { StaffRole } from '../../core/identity/roles';
import type { Database } from '../database';
import { accountLinks, accountRoles } from '../schema';
import { recordAdminAct } from './admin/admin-audit';

/** Staff roles of identified people; a messenger user has the roles of the account they linked. */
export function roleRepository(db: Database) {
  return {
    async hasRole(messengerUserId: number, role: StaffRole): Promise<boolean> {
      const [row] = await db
        .select({ role: accountRoles.role })
        .from(accountLinks)
        .innerJoin(accountRoles, eq(accountRoles.accountId, accountLinks.accountId))
        .where(and(eq(accountLinks.messengerUserId, messengerUserId), eq(accountRoles.role, role)));
      return row !== undefined;
    },

    /** The account's roles, sorted. */
    async rolesOf(accountId: string): Promise<string[]> {
      const rows = await db
        .select({ role: accountRoles.role })
        .from(accountRoles)
        .where(eq(accountRoles.accountId, accountId));
      return rows.map((r) => r.role).sort();
    },

    /** Messenger users whose linked account holds the role. */
    async usersWithRole(role: StaffRole): Promise<number[]> {
      const rows = await db
        .select({ userId: accountLinks.messengerUserId })
        .from(accountRoles)
        .innerJoin(accountLinks, eq(accountLinks.accountId, accountRoles.accountId))
        .where(eq(accountRoles.role, role));
      return rows.map((r) => r.userId);
    },

    /** Idempotent: granting a role someone holds changes nothing. */
    async grant(accountId: string, role: StaffRole, grantedBy: string): Promise<boolean> {
      const rows = await db
        .insert(accountRoles)
        .values({ accountId, role, grantedBy })
        .onConflictDoNothing()
        .returning({ role: accountRoles.role });
      return rows.length > 0;
    },

    /** False when the account did not hold the role. */
    async revoke(accountId: string, role: StaffRole): Promise<boolean> {
      const rows = await db
        .delete(accountRoles)
        .where(and(eq(accountRoles.accountId, accountId), eq(accountRoles.role, role)))
        .returning({ role: accountRoles.role });
      return rows.length > 0;
    },

    /** An admin's grant or revocation, with its audit row when it changed something. */
    setRole(accountId: string, role: StaffRole, granted: boolean, act: AdminAct): Promise<boolean> {
      return db.transaction(async (tx) => {
        const within = roleRepository(tx);
        const changed = granted
          ? await within.grant(accountId, role, `admin:${act.adminUserId}`)
          : await within.revoke(accountId, role);
        if (changed)
          await recordAdminAct(
            tx,
            act,
            granted ? 'grant' : 'revoke_role',
            { type: 'account', id: accountId },
            [accountId],
            { role },
          );
        return changed;
      });
    },
  };
}

export type RoleRepository = ReturnType<typeof roleRepository>;
