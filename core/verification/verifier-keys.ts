import { createHash, randomBytes } from 'node:crypto';

/** A checkout's API key: a prefix that says what it is, then 32 random bytes. */
const KEY_FORMAT = /^vk_[A-Za-z0-9_-]{43}$/;

export interface Verifier {
  id: string;
  name: string;
}

/** Verifier keys as stored: only their hashes, so a database dump lets nobody verify. */
export interface VerifierKeyStore {
  create(name: string, keyHash: string): Promise<Verifier>;
  findActiveByHash(keyHash: string): Promise<Verifier | null>;
}

/**
 * SHA-256 is enough here: the key is 256 random bits, so there is nothing to brute-force and
 * a slow hash would only slow every checkout down.
 */
export const hashVerifierKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function verifierKeys(store: VerifierKeyStore) {
  return {
    /** The key is returned once, here; only its hash is kept. */
    async issue(name: string): Promise<{ verifier: Verifier; key: string }> {
      const key = `vk_${randomBytes(32).toString('base64url')}`;
      return { verifier: await store.create(name, hashVerifierKey(key)), key };
    },

    /** The verifier a bearer key belongs to, or null; malformed keys never reach the store. */
    async authenticate(key: string): Promise<Verifier | null> {
      if (!KEY_FORMAT.test(key)) return null;
      return store.findActiveByHash(hashVerifierKey(key));
    },
  };
}

export type VerifierKeys = ReturnType<typeof verifierKeys>;
