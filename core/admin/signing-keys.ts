import { removableIfRetiredBefore } from '../digital-id/keyring';
import { type AdminDeps, type Asked, actNow, propose } from './admin-deps';

export type RotateDone = { action: 'rotate_key'; retired: number | null; active: number };

/** The Digital ID signing keys: rotating (on confirmation) and taking a retired one out of publication. */
export function signingKeys(deps: AdminDeps) {
  return {
    async askRotate(adminUserId: number): Promise<Asked & { activeKid: number | null }> {
      const { activeKid } = await deps.store.stats();
      return { ok: true, confirmationId: await propose(deps, adminUserId, 'rotate_key', {}), activeKid };
    },

    /** The confirmed rotation. */
    async rotate(adminUserId: number): Promise<RotateDone> {
      return { action: 'rotate_key', ...(await deps.store.rotateKey(actNow(deps, adminUserId))) };
    },

    /** A retired key leaves publication once no token it signed can still be valid. */
    removeKey(adminUserId: number, kid: number) {
      const act = actNow(deps, adminUserId);
      return deps.store.removeKey(kid, removableIfRetiredBefore(act.at, deps.timing), act);
    },
  };
}
