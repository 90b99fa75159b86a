import type { AdminStore } from '../../../core/admin/admin-store';
import type { Database } from '../../database';
import { digitalIdSessionRepository } from '../digital-id-session.repository';
import type { SigningKeyRepository } from '../signing-key.repository';
import { recordAdminAct } from './admin-audit';

/** What admins end and replace in the Digital ID: a live session, and the signing keys. */
export function signingKeyAdminRepository(
  db: Database,
  keys: SigningKeyRepository,
): Pick<AdminStore, 'keys' | 'revokeSession' | 'rotateKey' | 'removeKey'> {
  return {
    keys: () => keys.list(),

    revokeSession(sessionId, reason, act) {
      return db.transaction(async (tx) => {
        const ended = await digitalIdSessionRepository(tx).end(sessionId, 'revoked', reason, act.at);
        if (ended)
          await recordAdminAct(tx, act, 'revoke', { type: 'digital_id_session', id: sessionId }, [
            ended.accountId,
          ]);
        return ended;
      });
    },

    rotateKey(act) {
      return db.transaction(async (tx) => {
        const rotated = await keys.within(tx).rotate(act.at);
        await recordAdminAct(tx, act, 'rotate_key', { type: 'signing_key', id: String(rotated.active) }, [], {
          retired: rotated.retired,
        });
        return rotated;
      });
    },

    removeKey(kid, retiredBefore, act) {
      return db.transaction(async (tx) => {
        const outcome = await keys.within(tx).remove(kid, act.at, retiredBefore);
        if (outcome === 'removed')
          await recordAdminAct(tx, act, 'remove_key', { type: 'signing_key', id: String(kid) }, []);
        return outcome;
      });
    },
  };
}
