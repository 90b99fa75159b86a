import { approveWithCode, cancelByTrustor, current, deny, startApproval } from './recovery-decisions';
import { openRecovery, remind, requeuePending, sweepRecoveries } from './recovery-lifecycle';
import type { RecoveryDeps } from './service-deps';

/**
 * Assisted recovery (PRODUCT.md §5): the portal asks, the trusted contact approves with a code
 * or denies, the trustor may cancel, time expires it. Each decision is the store's one
 * conditional write, so whichever comes first is the only one.
 */
export function recoveryService(deps: RecoveryDeps) {
  return {
    current: (requestId: string) => current(deps, requestId),
    openRecovery: (accountId: string) => openRecovery(deps, accountId),
    startApproval: (userId: number, requestId: string) => startApproval(deps, userId, requestId),
    approveWithCode: (userId: number, requestId: string, challengeId: string, typed: string) =>
      approveWithCode(deps, userId, requestId, challengeId, typed),
    deny: (userId: number, requestId: string) => deny(deps, userId, requestId),
    cancelByTrustor: (userId: number, requestId: string) => cancelByTrustor(deps, userId, requestId),
    remind: (requestId: string) => remind(deps, requestId),
    /** The expiry job and the sweeper: a request past its time is closed and both sides told. */
    expire: (requestId: string) => current(deps, requestId),
    sweep: (at: Date = deps.clock.now()) => sweepRecoveries(deps, at),
    requeuePending: () => requeuePending(deps),
  };
}
