import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { isUuid } from '../ids';

/** A checkout's API key: a prefix that says what it is, then 32 random bytes. */
const KEY_FORMAT = /^vk_[A-Za-z0-9_-]{43}$/;

export interface Verifier {
  id: string;
  name: string;
}

/** What an operator sees of a key: never the key, which is not stored. */
export interface VerifierKeyRecord extends Verifier {
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who changed a key, for the audit row written in the transaction of the change. */
export interface ChangedBy {
  actor: string;
  action: string;
}

/** Verifier keys as stored: only their hashes, so a database dump lets nobody verify. */
export interface VerifierKeyStore {
  create(name: string, keyHash: string, by: ChangedBy, at: Date): Promise<Verifier>;
  findActiveByHash(keyHash: string): Promise<Verifier | null>;
  /** Every key; a look-up `by` someone is audited in the read's transaction. */
  list(by?: ChangedBy, at?: Date): Promise<VerifierKeyRecord[]>;
  /** Revokes an active key and audits it, in one transaction; null if there is no such key. */
  revoke(
    target: { id: string } | { keyHash: string },
    by: ChangedBy,
    at: Date,
  ): Promise<{ verifier: Verifier; wasActive: boolean } | null>;
  /** Records a use, unless one at or after `since` is recorded already. */
  markUsed(id: string, at: Date, since: Date): Promise<void>;
}

export type Revocation =
  /** `staleForSeconds`: how long API processes may still accept it (0: they were told at once). */
  | { outcome: 'revoked'; verifier: Verifier; staleForSeconds: number }
  | { outcome: 'already_revoked'; verifier: Verifier }
  | { outcome: 'unknown' };

export interface VerifierKeysDeps {
  clock: Clock;
  /**
   * Tells every API process to forget the key now (they cache authentications). False when
   * that could not be done: the processes then stop accepting it when their cache expires,
   * within `cacheSeconds`.
   */
  announceRevoked?(verifierId: string): Promise<boolean>;
  cacheSeconds?: number;
}

/**
 * SHA-256 is enough here: the key is 256 random bits, so there is nothing to brute-force and
 * a slow hash would only slow every checkout down.
 */
export const hashVerifierKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** A verifier is named by one of our ids, as the list shows it. */
export const isVerifierKeyId = isUuid;

export function verifierKeys(store: VerifierKeyStore, deps: VerifierKeysDeps) {
  return {
    /** The key is returned once, here; only its hash is kept. */
    async issue(name: string, by: ChangedBy): Promise<{ verifier: Verifier; key: string }> {
      const key = `vk_${randomBytes(32).toString('base64url')}`;
      return { verifier: await store.create(name, hashVerifierKey(key), by, deps.clock.now()), key };
    },

    /** The verifier a bearer key belongs to, or null; malformed keys never reach the store. */
    async authenticate(key: string): Promise<Verifier | null> {
      if (!KEY_FORMAT.test(key)) return null;
      return store.findActiveByHash(hashVerifierKey(key));
    },

    /** An admin's look-up is audited (`by`); the operator's tool reads without a row. */
    list: (by?: ChangedBy) => (by ? store.list(by, deps.clock.now()) : store.list()),

    /** By the id from the list, or by the key itself (a leaked key is revoked as it was found). */
    async revoke(idOrKey: string, by: ChangedBy): Promise<Revocation> {
      const target = KEY_FORMAT.test(idOrKey)
        ? { keyHash: hashVerifierKey(idOrKey) }
        : isUuid(idOrKey)
          ? { id: idOrKey.toLowerCase() }
          : null;
      const revoked = target ? await store.revoke(target, by, deps.clock.now()) : null;
      if (!revoked) return { outcome: 'unknown' };
      if (!revoked.wasActive) return { outcome: 'already_revoked', verifier: revoked.verifier };
      const announced = deps.announceRevoked ? await deps.announceRevoked(revoked.verifier.id) : false;
      const staleForSeconds = announced ? 0 : (deps.cacheSeconds ?? 0);
      return { outcome: 'revoked', verifier: revoked.verifier, staleForSeconds };
    },

    markUsed: (id: string, at: Date, since: Date) => store.markUsed(id, at, since),
  };
}

export type VerifierKeys = ReturnType<typeof verifierKeys>;
