import type { AdminDeps } from './admin-deps';
import { adminLookups } from './admin-lookups';
import type { ConfirmationPayload } from './admin-store';
import { type BlockDone, blocking } from './blocking';
import { offboarding } from './offboarding';
import { type RevokeDone, sessionRevocation } from './session-revocation';
import { type RotateDone, signingKeys } from './signing-keys';
import { staffRoles } from './staff-roles';

/** What a pressed confirmation did. */
export type Confirmed = RevokeDone | RotateDone | BlockDone | { action: 'stale' };

/**
 * The admin's actions (PRODUCT.md §4), whatever messenger asks for them, and a person's own
 * leaving. Destructive ones are proposed first and carried out when the proposing admin confirms,
 * once, within CONFIRMATION_SECONDS; every change is written with its audit row in one
 * transaction by the store.
 */
export function adminService(deps: AdminDeps) {
  const revocation = sessionRevocation(deps);
  const keys = signingKeys(deps);
  const blocks = blocking(deps);
  /** The destructive actions, each carried out by the confirmation of its own proposal. */
  const onConfirmation: Record<
    string,
    (adminUserId: number, payload: ConfirmationPayload) => Promise<Confirmed>
  > = {
    revoke: revocation.revoke,
    rotate_key: keys.rotate,
    block: blocks.block,
  };
  const confirmable = Object.keys(onConfirmation);

  return {
    ...adminLookups(deps),
    askRevoke: revocation.askRevoke,
    askRotate: keys.askRotate,
    removeKey: keys.removeKey,
    askBlock: blocks.askBlock,
    unblock: blocks.unblock,
    ...staffRoles(deps),
    ...offboarding(deps),

    async confirm(adminUserId: number, confirmationId: string): Promise<Confirmed> {
      const confirmed = await deps.store.confirm(confirmationId, adminUserId, deps.clock.now(), confirmable);
      const carryOut = confirmed && onConfirmation[confirmed.action];
      return carryOut ? carryOut(adminUserId, confirmed.payload) : { action: 'stale' };
    },
  };
}

export type AdminService = ReturnType<typeof adminService>;
