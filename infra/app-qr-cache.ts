import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { AppQrCache, CachedAppQr } from '../core/digital-id/app-qr-cache';

/** What an ended session's key holds instead of its QR, so that a late put cannot bring it back. */
const ENDED = 'ended';

/**
 * The app's current QRs in Redis, shared by every API process: a poll storm spread over them by a
 * load balancer still reads one entry, and a session's end drops it everywhere at once. An entry
 * lives until its `refreshAt` (Redis counts that time; whether it is still current is decided
 * by the service's clock). Redis away means every poll goes to the database, never an error.
 *
 * An ended session's entry becomes a mark that lives one refresh interval: a poll that signed
 * the session's QR before the end and caches it after (its `refreshAt` at most one interval after
 * the end) is refused, and answers "ended", with no read of the database to find out. A put
 * writes only where nothing is (`SET … NX`), so it cannot overwrite the mark.
 */
export function redisAppQrCache(deps: {
  redis: Redis;
  prefix: string;
  clock: Clock;
  logger: Logger;
  refreshSeconds: number;
}): AppQrCache {
  const key = (sessionId: string) => `${deps.prefix}:app-qr:${sessionId}`;
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
      // Only where nothing is: a put never overwrites the ended mark, and one command does it.
      const stored = await deps.redis
        .set(key(entry.sessionId), JSON.stringify(entry), 'PX', Math.ceil(ttlMs), 'NX')
        .catch(() => 'away');
      if (stored !== null) return true;
      // Something is there: the mark, or the last QR a moment past its refreshAt (Redis's clock
      // and ours differ a little), when this one is not kept and the next poll reads the database.
      return (await deps.redis.get(key(entry.sessionId)).catch(() => null)) !== ENDED;
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
