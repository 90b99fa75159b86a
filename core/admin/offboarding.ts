import type { DigitalIdSession } from '../digital-id/session';
import type { AdminDeps } from './admin-deps';

/** Turns the chat's Digital ID message into its "ended" form: a presenter the bot gives. */
export type ShowEnded = (session: DigitalIdSession) => Promise<void>;

/** A person leaving the service of their own accord. */
export function offboarding(deps: AdminDeps) {
  return {
    /**
     * Unlinking (/unlink): the link goes with its audit row, the account itself acting, in one
     * transaction. Then, as on a block, the live Digital ID and the relationships end, and last
     * what the service kept of the person is erased: the session just ended is a finished one by
     * then, erased with the rest. False when nothing was linked.
     */
    async offboard(messengerUserId: number, showEnded: ShowEnded): Promise<boolean> {
      const unlinked = await deps.store.unlink(messengerUserId, deps.clock.now());
      if (!unlinked) return false;
      const { accountId } = unlinked;
      const ended = await deps.leave({ userId: messengerUserId, accountId }, 'unlinked');
      if (ended) await showEnded(ended);
      await deps.store.forget({ messengerUserId, accountId });
      return true;
    },
  };
}
