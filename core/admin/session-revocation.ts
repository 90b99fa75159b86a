import type { DigitalIdSession } from '../digital-id/session';
import { type AdminDeps, type Asked, actNow, type Fail, fail, propose } from './admin-deps';
import type { ConfirmationPayload, Person } from './admin-store';

export type RevokeDone = { action: 'revoke'; ended: DigitalIdSession | null };

/** An admin ends a person's live Digital ID, on confirmation. */
export function sessionRevocation(deps: AdminDeps) {
  return {
    async askRevoke(
      adminUserId: number,
      person: Person,
      who: string,
    ): Promise<Asked | Fail<'ADMIN.NO_LIVE_SESSION'>> {
      const sessionId = person.user ? await deps.store.liveSessionOf(person.user.id) : null;
      if (!sessionId) return fail('ADMIN.NO_LIVE_SESSION');
      return { ok: true, confirmationId: await propose(deps, adminUserId, 'revoke', { sessionId, who }) };
    },

    /** The confirmed revocation. */
    async revoke(adminUserId: number, payload: ConfirmationPayload): Promise<RevokeDone> {
      const sessionId = String(payload.sessionId);
      const ended = await deps.store.revokeSession(
        sessionId,
        'revoked by an admin',
        actNow(deps, adminUserId),
      );
      if (ended) await deps.sessionEnded(ended);
      return { action: 'revoke', ended };
    },
  };
}
