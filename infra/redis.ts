import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrl } from '../core/redact-url';
import type { Closers } from './closers';

export class RedisUnreachableError extends Error {
  /** REDIS_URL without its password: this error is printed. */
  readonly url: string;

  constructor(url: string, reason: string) {
    const shown = redactUrl(url);
    super(
      `Redis is not reachable at ${shown} (${reason}). The job queues need Redis 6.2 or newer: ` +
        'install and start one (on Debian: `apt-get install redis-server`, then `redis-server --daemonize yes`), ' +
        'or point REDIS_URL at any Redis 6.2+.',
    );
    this.name = 'RedisUnreachableError';
    this.url = shown;
  }
}

/**
 * Workers block on Redis and must never give up a command (`maxRetriesPerRequest: null`);
 * producers fail fast instead of queueing commands while Redis is away.
 */
export function createRedis(url: string, purpose: 'worker' | 'producer'): Redis {
  const options: RedisOptions =
    purpose === 'worker'
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5000 };
  return new Redis(url, options);
}

/**
 * Whether a command failed because Redis is away: producers fail fast rather than queue
 * commands while it is (see createRedis).
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    err.message.includes("Stream isn't writeable") ||
    err.message === 'Connection is closed.'
  );
}

/** Checks at start-up that Redis answers and is new enough for BullMQ, with a plain message if not. */
export async function checkRedis(url: string): Promise<void> {
  await withOneShotRedis(url, async (redis) => {
    const info = await redis.info('server');
    const version = /redis_version:(\d+)\.(\d+)/.exec(info);
    const [major, minor] = [Number(version?.[1] ?? 0), Number(version?.[2] ?? 0)];
    if (major < 6 || (major === 6 && minor < 2)) {
      throw new RedisUnreachableError(url, `version ${major}.${minor} is too old`);
    }
  }).catch((err) => {
    if (err instanceof RedisUnreachableError) throw err;
    throw new RedisUnreachableError(url, err instanceof Error ? err.message : String(err));
  });
}

/**
 * One connection for one piece of work (a start-up check, a command-line tool's message): it
 * fails at once instead of retrying, and is closed afterwards whatever happens.
 */
export async function withOneShotRedis<T>(url: string, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

/** Reports an outage once, when it starts and when it ends; `onBack` runs when it ends. */
export function trackRedis(redis: Redis, logger: Logger, closers: Closers, onBack?: () => void): Redis {
  let down = false;
  let reported = false;
  redis.on('error', (err) => {
    if (!reported) logger.error({ err: err.message }, 'Redis connection error; reconnecting');
    reported = true;
  });
  // A lost connection is an outage even when reconnecting succeeds at once, without an error.
  redis.on('close', () => {
    down = true;
  });
  redis.on('ready', () => {
    reported = false;
    if (!down) return;
    down = false;
    logger.info('Redis is back');
    onBack?.();
  });
  closers.push(async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  return redis;
}

/** Whether a Redis answers PING at `url`, asked once. */
export const redisAnswers = (url: string): Promise<boolean> =>
  withOneShotRedis(url, async (redis) => (await redis.ping()) === 'PONG').catch(() => false);
