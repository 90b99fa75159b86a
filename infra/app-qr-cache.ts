import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { AppQrCache, CachedAppQr } from '../core/digital-id/app-qr-cache';

/**
 * The app's current QRs in Redis, shared by every API process: a poll storm spread over them by a
 * load balancer still reads one entry, and a session's end drops it everywhere at once. An entry
 * lives until its `refreshAt` (Redis counts that time; whether it is still current is decided
 * by the service's clock). Redis away means every poll goes to the database, never an error.
 */
export function redisAppQrCache(deps: {
  redis: Redis;
  prefix: string;
  clock: Clock;
  logger: Logger;
}): AppQrCache {
  const key = (sessionId: string) => `${deps.prefix}:app-qr:${sessionId}`;
  return {
    async get(sessionId) {
      const raw = await deps.redis.get(key(sessionId)).catch(() => null);
      if (raw === null) return null;
      const entry = JSON.parse(raw) as Omit<CachedAppQr, 'refreshAt' | 'expiresAt'> & {
        refreshAt: string;
        expiresAt: string;
      };
      return { ...entry, refreshAt: new Date(entry.refreshAt), expiresAt: new Date(entry.expiresAt) };
    },
    async put(entry) {
      const ttlMs = entry.refreshAt.getTime() - deps.clock.now().getTime();
      if (ttlMs <= 0) return;
      await deps.redis
        .set(key(entry.sessionId), JSON.stringify(entry), 'PX', Math.ceil(ttlMs))
        .catch(() => {});
    },
    async forget(sessionId) {
      // Left behind, the entry answers the ended session's QR until its refreshAt, at most one
      // refresh interval; that QR verifies as revoked all the same.
      await deps.redis
        .del(key(sessionId))
        .catch((err: Error) =>
          deps.logger.warn({ sessionId, err: err.message }, 'could not drop an app QR from the cache'),
        );
    },
  };
}
