import type { DigitalIdSession } from '../digital-id/session';
import type { AdminDeps } from './admin-deps';
import { SESSION_END_REASON } from './person-leaves';

/** Turns the chat's Digital ID message into its "ended" form: a presenter the bot gives. */
export type ShowEnded = (session: DigitalIdSession) => Promise<void>;

/** What the bot does after an unlink: shows the ended session, and hears of a follow-up that failed. */
interface UnlinkFollowUps {
  showEnded: ShowEnded;
  failed(error: unknown): void;
}

/** A person leaving the service of their own accord. */
export function offboarding(deps: AdminDeps) {
  return {
    /**
     * Unlinking (/unlink): the link, its audit row, the live Digital ID's end and the erasure of
     * what the service kept of the person are one transaction, so an unlinked person is an erased
     * one. After it, the app's cached QR is dropped, the chat's QR shows "ended" and the
     * relationships end (the session is gone already, so leaving ends only those). Any of them
     * failing changes nothing of the answer, since
     * the unlink happened: the failure is reported, and the trusted-contact sweeper ends the
     * relationships of unlinked people. False when nothing was linked.
     */
    async offboard(messengerUserId: number, after: UnlinkFollowUps): Promise<boolean> {
      const unlinked = await deps.store.unlink(
        messengerUserId,
        deps.clock.now(),
        SESSION_END_REASON.unlinked,
      );
      if (!unlinked) return false;
      const { accountId, ended } = unlinked;
      const followUps = await Promise.allSettled([
        ended ? deps.sessionEnded(ended) : null,
        ended ? after.showEnded(ended) : null,
        deps.leave({ userId: messengerUserId, accountId }, 'unlinked'),
      ]);
      for (const followUp of followUps) if (followUp.status === 'rejected') after.failed(followUp.reason);
      return true;
    },
  };
}
