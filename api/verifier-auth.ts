import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { Verifier, VerifierKeys } from '../core/verification/verifier-keys';

/** "Last used" is a day-to-day figure for operators: a write a minute per key is plenty. */
const MARK_USED_EVERY_MS = 60_000;

/**
 * Known keys are remembered for a while so a busy checkout costs no query per scan (and passes
 * even while its address is over the limit of failures); unknown ones are not, so random keys
 * cannot fill the memory. A revocation reaches every process at once through `forget`
 * (announced over Redis); the lifetime only covers an announcement that was lost.
 */
export function cachedVerifierAuthentication(deps: {
  keys: Pick<VerifierKeys, 'authenticate' | 'markUsed'>;
  clock: Clock;
  logger: Logger;
  ttlSeconds: number;
  maxEntries?: number;
}) {
  const ttlMs = deps.ttlSeconds * 1000;
  const maxEntries = deps.maxEntries ?? 10_000;
  const known = new Map<string, { verifier: Verifier; at: number }>();
  const marked = new Map<string, number>();
  // Bumped by every forgetting: a lookup that a revocation overtook must not cache its answer
  // (the request itself, read before the revocation, may still pass).
  let generation = 0;
  const now = () => deps.clock.now().getTime();

  const used = (verifier: Verifier) => {
    const at = now();
    if (at - (marked.get(verifier.id) ?? Number.NEGATIVE_INFINITY) < MARK_USED_EVERY_MS) return verifier;
    marked.set(verifier.id, at);
    deps.keys
      .markUsed(verifier.id, new Date(at), new Date(at - MARK_USED_EVERY_MS))
      .catch((err) => deps.logger.warn({ err: err.message }, 'could not record a verifier key use'));
    return verifier;
  };

  /** The verifier of a key this process checked within the cache lifetime: no query, no Redis. */
  const remembered = (key: string): Verifier | null => {
    const hit = known.get(key);
    if (hit && now() - hit.at <= ttlMs) return used(hit.verifier);
    known.delete(key);
    return null;
  };

  return {
    remembered,

    async authenticate(key: string): Promise<Verifier | null> {
      const hit = remembered(key);
      if (hit) return hit;
      const startedIn = generation;
      const verifier = await deps.keys.authenticate(key);
      if (!verifier) return null;
      if (generation === startedIn) {
        if (known.size >= maxEntries) known.clear();
        known.set(key, { verifier, at: now() });
      }
      return used(verifier);
    },

    /** A key was revoked (in any process). */
    forget(verifierId: string): void {
      generation += 1;
      for (const [key, entry] of known) if (entry.verifier.id === verifierId) known.delete(key);
    },

    /** Revocations may have been missed (the announcements' connection was down). */
    forgetAll(): void {
      generation += 1;
      known.clear();
    },
  };
}

export type VerifierAuthentication = ReturnType<typeof cachedVerifierAuthentication>;
