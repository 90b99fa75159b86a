import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedVerifierAuthentication } from '../../api/verifier-auth';
import { announceRevocation, listenForRevocations } from '../../app/verifier-key-revocations';
import { type Verifier, verifierKeys } from '../../core/verification/verifier-keys';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { verifierKeyRepository } from '../../db/repositories/verifier-key.repository';
import { createLogger } from '../../infra/logger';
import { TestClock } from '../support/clock';
import { createTestDatabase } from '../support/postgres';
import { REDIS_URL, testQueuePrefix } from '../support/redis';

const BY = { actor: 'test', action: 'revoke' };
const clock = new TestClock();
const queue = testQueuePrefix();
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let handle: DatabaseHandle;
let publisher: Redis;
const subscribers: Redis[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  handle = await openDatabase({ kind: 'postgres', url: database.url });
  await handle.migrate();
  publisher = new Redis(REDIS_URL);
});
afterAll(async () => {
  publisher?.disconnect();
  for (const subscriber of subscribers) subscriber.disconnect();
  await queue.cleanup();
  await handle?.close();
  await database?.drop();
});

/**
 * An API process's authentication over the real key store, with a revocation (or a lost Redis
 * connection) landing while it reads the database: after the read, before it caches the answer.
 */
async function processWithRevocationDuringLookup() {
  const keys = verifierKeys(verifierKeyRepository(handle.db), {
    clock,
    announceRevoked: (id) => announceRevocation(publisher, queue.prefix, id),
  });
  let duringLookup: (() => Promise<void>) | null = null;
  const auth = cachedVerifierAuthentication({
    keys: {
      async authenticate(key) {
        const found = await keys.authenticate(key);
        const interruption = duringLookup;
        duringLookup = null;
        await interruption?.();
        return found;
      },
      markUsed: keys.markUsed,
    },
    clock,
    logger: createLogger('silent'),
    ttlSeconds: 300,
  });
  const heard: string[] = [];
  const subscriber = new Redis(REDIS_URL);
  subscribers.push(subscriber);
  await listenForRevocations(subscriber, queue.prefix, (id) => {
    auth.forget(id);
    heard.push(id);
  });
  return {
    keys,
    auth,
    /** The next lookup is interrupted by `what`, which the process has taken in when it returns. */
    interrupt(what: () => Promise<void>) {
      duringLookup = what;
    },
    async heardOf(verifier: Verifier) {
      while (!heard.includes(verifier.id)) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

describe('a verifier key revoked while a process looks it up', () => {
  it('is not cached by that lookup: the next request is refused at once, not for the cache lifetime', async () => {
    const api = await processWithRevocationDuringLookup();
    const { verifier, key } = await api.keys.issue('Касса гонки', BY);
    api.interrupt(async () => {
      expect((await api.keys.revoke(key, BY)).outcome).toBe('revoked');
      await api.heardOf(verifier);
    });
    // This request was read before the revocation and may pass; it must not outlive it.
    await api.auth.authenticate(key);
    expect(api.auth.remembered(key)).toBeNull();
    expect(await api.auth.authenticate(key)).toBeNull();
  });

  it('nor when the process forgets everything (its Redis came back) during the lookup', async () => {
    const api = await processWithRevocationDuringLookup();
    const { key } = await api.keys.issue('Касса переподключения', BY);
    api.interrupt(async () => {
      // Revoked while this process's announcements were down: it only knows to forget all.
      await verifierKeys(verifierKeyRepository(handle.db), { clock }).revoke(key, BY);
      api.auth.forgetAll();
    });
    await api.auth.authenticate(key);
    expect(api.auth.remembered(key)).toBeNull();
    expect(await api.auth.authenticate(key)).toBeNull();
  });

  it('an ordinary lookup is still remembered, with no query for the next request', async () => {
    const api = await processWithRevocationDuringLookup();
    const { verifier, key } = await api.keys.issue('Касса без помех', BY);
    expect(await api.auth.authenticate(key)).toEqual(verifier);
    expect(api.auth.remembered(key)).toEqual(verifier);
  });
});
