import type { SigningKey } from './issue-token';

export interface PublishedKey {
  kid: number;
  alg: 'Ed25519';
  /** base64url of the 32 public bytes. */
  publicKey: string;
  status: 'active' | 'retired';
}

/** Where signing keys come from: the active one to sign, the published ones to verify. */
export interface Keyring {
  signingKey(): Promise<SigningKey>;
  publicKey(kid: number): Promise<Uint8Array | null>;
  published(): Promise<PublishedKey[]>;
}

/** How long services may go on trusting a key snapshot they read (cachedKeyring). */
export const KEYRING_CACHE_SECONDS = 5;

/**
 * A retired key may be removed once nothing it signed can still verify: it must have retired
 * before the instant this returns. A process may sign with its cached copy of the key for a few
 * seconds after a rotation, and a token lives for its ttl plus the verifier's skew.
 */
export function removableIfRetiredBefore(
  now: Date,
  timing: { tokenTtlSeconds: number; skewSeconds: number },
): Date {
  const seconds = KEYRING_CACHE_SECONDS + timing.tokenTtlSeconds + timing.skewSeconds;
  return new Date(now.getTime() - seconds * 1000);
}
