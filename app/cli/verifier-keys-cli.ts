import { systemClock } from '../../core/clock';
import { type VerifierKeys, verifierKeys } from '../../core/verification/verifier-keys';
import { verifierKeyRepository } from '../../db/repositories/verifier-key.repository';
import { withOneShotRedis } from '../../infra/redis';
import { sharedPrivateRedis } from '../redis-choice';
import { announceRevocation } from '../verifier-key-revocations';
import { cliConfig, openCliDatabase } from './open-cli-database';

/** Who the audit trail names for a change made with the command-line tools. */
export const CLI_ACTOR = 'cli';

/**
 * The verifier keys as the command-line tools use them, on the migrated database. A revocation
 * is announced to the running API processes over the service's Redis; without Redis it still
 * holds, and the tool says how soon it takes effect.
 */
export async function withVerifierKeys(work: (keys: VerifierKeys) => Promise<void>): Promise<void> {
  const config = cliConfig();
  const database = await openCliDatabase(config);
  try {
    await database.migrate();
    await work(
      verifierKeys(verifierKeyRepository(database.db), {
        clock: systemClock,
        cacheSeconds: config.verifierKeyCacheSeconds,
        announceRevoked: async (id) =>
          announceOnce((await sharedPrivateRedis(config)) ?? config.redisUrl, config.queuePrefix, id),
      }),
    );
  } finally {
    await database.close();
  }
}

async function announceOnce(url: string, prefix: string, verifierId: string): Promise<boolean> {
  return withOneShotRedis(url, (redis) => announceRevocation(redis, prefix, verifierId)).catch(() => false);
}
