import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { AppQrCache, CachedAppQr } from '../core/digital-id/app-qr-cache';

/** What an ended session's key holds instead of its QR, so that a late put cannot bring it back. */
const ENDED = 'ended';

/**
 * The put, in one step: an ended session's mark is never overwritten. Checked and written
 * apart, an end's `forget` could fall between them, and the QR would be answered after it.
 */
const PUT_UNLESS_ENDED = `
if redis.call('GET', KEYS[1]) == ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

type WithPut = Redis & {
  putAppQrUnlessEnded(key: string, value: string, ttlMs: number, ended: string): Promise<number>;
};

/**
 * The app's current QRs in Redis, shared by every API process: a poll storm spread over them by a
 * load balancer still reads one entry, and a session's end drops it everywhere at once. An entry
 * lives until its `refreshAt` (Redis counts that time; whether it is still current is decided
 * by the service's clock). Redis away means every poll goes to the database, never an error.
 *
 * An ended session's entry becomes a mark that lives one refresh interval: a poll that signed
 * the session's QR before the end and caches it after (its `refreshAt` at most one interval after
 * the end) is refused, and answers "ended", with no read of the database to find out.
 */
export function redisAppQrCache(deps: {
  redis: Redis;
  prefix: string;
  clock: Clock;
  logger: Logger;
  refreshSeconds: number;
}): AppQrCache {
  const key = (sessionId: string) => `${deps.prefix}:app-qr:${sessionId}`;
  const redis = deps.redis as WithPut;
  if (!redis.putAppQrUnlessEnded)
    redis.defineCommand('putAppQrUnlessEnded', { numberOfKeys: 1, lua: PUT_UNLESS_ENDED });
  return {
    async get(sessionId) {
      const raw = await deps.redis.get(key(sessionId)).catch(() => null);
      if (raw === null || raw === ENDED) return null;
      const entry = JSON.parse(raw) as Omit<CachedAppQr, 'refreshAt' | 'expiresAt'> & {
        refreshAt: string;
        expiresAt: string;
      };
      return { ...entry, refreshAt: new Date(entry.refreshAt), expiresAt: new Date(entry.expiresAt) };
    },
    async put(entry) {
      const ttlMs = entry.refreshAt.getTime() - deps.clock.now().getTime();
      if (ttlMs <= 0) return true;
      const stored = await redis
        .putAppQrUnlessEnded(key(entry.sessionId), JSON.stringify(entry), Math.ceil(ttlMs), ENDED)
        .catch(() => 1);
      return stored === 1;
    },
    async forget(sessionId) {
      // Not written (Redis away), the entry answers the ended session's QR until its refreshAt,
      // at most one refresh interval; that QR verifies as revoked all the same.
      await deps.redis
        .set(key(sessionId), ENDED, 'PX', deps.refreshSeconds * 1000)
        .catch((err: Error) =>
          deps.logger.warn({ sessionId, err: err.message }, 'could not drop an app QR from the cache'),
        );
    },
  };
}
