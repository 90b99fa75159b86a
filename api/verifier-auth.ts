import type { Verifier, VerifierKeys } from '../core/verification/verifier-keys';

/**
 * Known keys are remembered for a few seconds so a busy checkout costs no query per scan;
 * unknown ones are not, so random keys cannot fill the memory. A revoked key stops working
 * within `ttlMs`.
 */
export function cachedVerifierAuthentication(
  keys: VerifierKeys,
  now: () => number,
  ttlMs = 5000,
  maxEntries = 10_000,
) {
  const known = new Map<string, { verifier: Verifier; at: number }>();
  return async (key: string): Promise<Verifier | null> => {
    const hit = known.get(key);
    if (hit && now() - hit.at <= ttlMs) return hit.verifier;
    known.delete(key);
    const verifier = await keys.authenticate(key);
    if (verifier) {
      if (known.size >= maxEntries) known.clear();
      known.set(key, { verifier, at: now() });
    }
    return verifier;
  };
}
