import type { Redis } from 'ioredis';

/**
 * Revoked verifier keys announced over Redis pub/sub, so every API process forgets its cached
 * authentication of the key at once. Pub/sub keeps nothing: a process that was disconnected
 * forgets everything it cached instead (see the caller's reconnect handler).
 */
const channel = (prefix: string) => `${prefix}:verifier-keys:revoked`;

/** True once Redis took the announcement; false if it could not be sent. */
export async function announceRevocation(redis: Redis, prefix: string, verifierId: string): Promise<boolean> {
  try {
    await redis.publish(channel(prefix), verifierId);
    return true;
  } catch {
    return false;
  }
}

/** Calls `revoked` with each announced verifier id; resolves once subscribed. */
export async function listenForRevocations(
  subscriber: Redis,
  prefix: string,
  revoked: (verifierId: string) => void,
): Promise<void> {
  subscriber.on('message', (from, verifierId) => {
    if (from === channel(prefix)) revoked(verifierId);
  });
  await subscriber.subscribe(channel(prefix));
}
