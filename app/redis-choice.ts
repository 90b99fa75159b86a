import type { Logger } from 'pino';
import type { Closers } from '../infra/closers';
import { onPath, runningPrivateRedis, startPrivateRedis } from '../infra/private-redis';
import { redisAnswers } from '../infra/redis';
import type { Config } from './config';

/**
 * `npm start` brings up what it can: with REDIS_URL unset (and not in production), a Redis that
 * answers at the default address is used; if none does and redis-server is installed, the
 * service starts one of its own, stopped last when the service stops. Otherwise the default
 * address stays, and its refusal (infra/redis.ts, checkRedis) says how to get a Redis.
 */
export async function chooseRedis(config: Config, logger: Logger, closers: Closers): Promise<Config> {
  if (config.privateRedisDir === null || (await redisAnswers(config.redisUrl))) return config;
  const shared = await sharedPrivateRedis(config);
  if (shared) {
    logger.info({ url: shared }, `Using the private Redis another running service started at ${shared}`);
    return { ...config, redisUrl: shared };
  }
  const server = await onPath('redis-server');
  if (server === null) return config;
  const redis = await startPrivateRedis(server, config.privateRedisDir, logger);
  closers.push(() => redis.stop());
  logger.info(
    { url: redis.url, pid: redis.pid, dir: config.privateRedisDir },
    `No Redis at ${config.redisUrl} and REDIS_URL is unset: started a private one at ${redis.url} ` +
      `(data in ${config.privateRedisDir}, AOF on)`,
  );
  return { ...config, redisUrl: redis.url };
}

/** The private Redis a running service of this checkout keeps, if it answers; for tools too. */
export async function sharedPrivateRedis(config: Config): Promise<string | null> {
  if (config.privateRedisDir === null) return null;
  const url = await runningPrivateRedis(config.privateRedisDir);
  return url && (await redisAnswers(url)) ? url : null;
}
