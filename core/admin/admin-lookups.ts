import { type AdminDeps, actNow, type Fail, fail, isBootstrap } from './admin-deps';
import type { Person } from './admin-store';
import { parsePersonRef } from './person-ref';

/** What admins read: who is an admin, whom an argument names, figures, keys, the audit trail. */
export function adminLookups(deps: AdminDeps) {
  const { store } = deps;
  return {
    /** Admins: those in ADMIN_IDS, and people whose linked account holds the admin role. */
    isAdmin: async (userId: number) => deps.bootstrapAdmins.includes(userId) || deps.hasAdminRole(userId),

    /** Who gets the admin commands in their menu at start. */
    async adminUsers(): Promise<number[]> {
      return [...new Set([...deps.bootstrapAdmins, ...(await store.usersWithRole('admin'))])];
    },

    /** The one person an admin's argument names. */
    async find(
      text: string,
    ): Promise<
      { ok: true; person: Person } | Fail<'ADMIN.USAGE' | 'ADMIN.UNKNOWN_PERSON' | 'ADMIN.AMBIGUOUS_PERSON'>
    > {
      const ref = parsePersonRef(text);
      if (!ref) return fail('ADMIN.USAGE');
      const found = await store.resolve(ref);
      if (found.length === 1) return { ok: true, person: found[0] as Person };
      return fail(found.length === 0 ? 'ADMIN.UNKNOWN_PERSON' : 'ADMIN.AMBIGUOUS_PERSON');
    },

    /** A look-up is audited: who read what about whom. */
    async whois(adminUserId: number, person: Person) {
      const { roles, liveSession } = await store.lookUp(person, actNow(deps, adminUserId));
      return { roles: isBootstrap(deps, person.user) ? [...roles, 'admin (ADMIN_IDS)'] : roles, liveSession };
    },

    stats: () => store.stats(),
    keys: () => store.keys(),
    auditPage: (options: { accountId?: string; offset: number; limit: number }) => store.auditPage(options),
  };
}
