import { and, eq } from 'drizzle-orm';
import type { StaffRole } from '../../core/identity/roles';
import type { Database } from '../database';
import { accountLinks, accountRoles } from '../schema';

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

    /** Idempotent: granting a role someone holds changes nothing. */
    async grant(accountId: string, role: StaffRole, grantedBy: string): Promise<boolean> {
      const rows = await db
        .insert(accountRoles)
        .values({ accountId, role, grantedBy })
        .onConflictDoNothing()
        .returning({ role: accountRoles.role });
      return rows.length > 0;
    },
  };
}

export type RoleRepository = ReturnType<typeof roleRepository>;
