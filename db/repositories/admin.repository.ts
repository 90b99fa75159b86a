import type { AdminStore } from '../../core/admin/admin-store';
import type { Database } from '../database';
import { auditPage } from './admin/admin-audit';
import { blockRepository } from './admin/block.repository';
import { confirmationRepository } from './admin/confirmation.repository';
import { peopleRepository } from './admin/people.repository';
import { signingKeyAdminRepository } from './admin/signing-key-admin.repository';
import { adminStats } from './admin/stats.repository';
import { unlinkRepository } from './admin/unlink.repository';
import { roleRepository } from './role.repository';
import type { SigningKeyRepository } from './signing-key.repository';

/**
 * What admins read and change about people and keys, and what a person's leaving changes
 * (core/admin/admin-store.ts), gathered from the repositories of the tables concerned. Each
 * change is one transaction with its audit row: a failure anywhere in it leaves neither.
 */
export function adminRepository(deps: {
  db: Database;
  keys: SigningKeyRepository;
  phoneKey: Buffer;
}): AdminStore {
  const { db } = deps;
  const roles = roleRepository(db);
  return {
    ...peopleRepository(db),
    ...confirmationRepository(db),
    ...blockRepository(db),
    ...signingKeyAdminRepository(db, deps.keys),
    stats: () => adminStats(db),
    auditPage: (options) => auditPage(db, options),
    usersWithRole: roles.usersWithRole,
    setRole: roles.setRole,
    ...unlinkRepository(db, deps.phoneKey),
  };
}
