import type { DigitalIdSession } from '../digital-id/session';
import { type AdminDeps, type Asked, actNow, type Fail, fail, propose } from './admin-deps';
import type { ConfirmationPayload, Person, Ties } from './admin-store';

export type BlockDone = { action: 'block'; who: string; blocked: boolean; ended: DigitalIdSession | null };

/**
 * Blocking and unblocking a messenger user. A block is asked first, naming what it will end, and
 * made on the admin's confirmation; then what the person had ends, as when they leave.
 */
export function blocking(deps: AdminDeps) {
  const { store } = deps;
  return {
    async askBlock(
      adminUserId: number,
      person: Person,
      reason: string,
      who: string,
    ): Promise<(Asked & { ties: Ties }) | Fail<'ADMIN.UNKNOWN_PERSON' | 'ADMIN.ALREADY_BLOCKED'>> {
      const { user } = person;
      if (!user) return fail('ADMIN.UNKNOWN_PERSON');
      const ties = await store.ties(user.id, person.account?.id ?? null);
      // A block whose follow-up was cut short (a crash, an outage) left something live: asking
      // again finishes it.
      const leftovers = ties.liveSession || ties.relationships > 0 || ties.pendingRecoveries > 0;
      if (user.blockedAt && !leftovers) return fail('ADMIN.ALREADY_BLOCKED');
      const confirmationId = await propose(deps, adminUserId, 'block', {
        userId: user.id,
        reason,
        who,
        ...(person.account ? { accountId: person.account.id } : {}),
        ...(user.blockedAt ? { finish: 1 } : {}),
      });
      return { ok: true, confirmationId, ties };
    },

    /** The confirmed block. */
    async block(adminUserId: number, payload: ConfirmationPayload): Promise<BlockDone> {
      const userId = Number(payload.userId);
      const accountId = payload.accountId === undefined ? null : String(payload.accountId);
      const reason = String(payload.reason);
      const blocked = await store.setBlocked({ userId, accountId }, { reason }, actNow(deps, adminUserId));
      // Blocked first, so nothing more runs for them; then what they had ends. Each step ends only
      // what is still live, so a block already made is finished, never done twice.
      const finishing = payload.finish === 1;
      const ended = blocked || finishing ? await deps.leave({ userId, accountId }, 'blocked') : null;
      return { action: 'block', who: String(payload.who), blocked: blocked || finishing, ended };
    },

    async unblock(
      adminUserId: number,
      person: Person,
    ): Promise<{ ok: true } | Fail<'ADMIN.UNKNOWN_PERSON' | 'ADMIN.NOT_BLOCKED'>> {
      const { user } = person;
      if (!user) return fail('ADMIN.UNKNOWN_PERSON');
      const who = { userId: user.id, accountId: person.account?.id ?? null };
      if (!(await store.setBlocked(who, null, actNow(deps, adminUserId)))) return fail('ADMIN.NOT_BLOCKED');
      return { ok: true };
    },
  };
}
