import { isStaffRole, type StaffRole } from '../identity/roles';
import { type AdminDeps, actNow, type Fail, fail, isBootstrap } from './admin-deps';
import type { Person } from './admin-store';

/** Granting and taking away staff roles. */
export function staffRoles(deps: AdminDeps) {
  return {
    /** Grants or takes away a staff role; returns the chat whose admin menu changes. */
    async setRole(
      adminUserId: number,
      person: Person,
      role: string,
      granted: boolean,
    ): Promise<
      | { ok: true; chatId: number; role: StaffRole }
      | Fail<'ADMIN.UNKNOWN_ROLE' | 'ADMIN.NOT_LINKED' | 'ADMIN.BOOTSTRAP_ADMIN' | 'ADMIN.UNCHANGED'>
    > {
      if (!isStaffRole(role)) return fail('ADMIN.UNKNOWN_ROLE');
      if (!person.account || !person.user) return fail('ADMIN.NOT_LINKED');
      if (!granted && role === 'admin' && isBootstrap(deps, person.user))
        return fail('ADMIN.BOOTSTRAP_ADMIN');
      if (!(await deps.store.setRole(person.account.id, role, granted, actNow(deps, adminUserId))))
        return fail('ADMIN.UNCHANGED');
      return { ok: true, chatId: person.user.chatId, role };
    },
  };
}
