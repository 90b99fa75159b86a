import type { Redis } from 'ioredis';
import type { Clock } from '../core/clock';
import { moscowDate } from '../core/identity/calendar';

/** A day's counts outlive the day a little, for an admin looking back at yesterday. */
const KEEP_SECONDS = 8 * 24 * 3600;

/**
 * Verifications per Moscow day and result (`confirmed`, or why not), for /stats. Kept in Redis so that every API and
 * bot process adds to one count (Prometheus counts per process).
 */
export function verificationTally(deps: { redis: Redis; prefix: string; clock: Clock }) {
  const key = () => `${deps.prefix}:verifications:${moscowDate(deps.clock.now())}`;
  return {
    /** Not awaited: a count lost while Redis is away costs less than a slower checkout. */
    count(result: string): void {
      const k = key();
      deps.redis
        .multi()
        .hincrby(k, result, 1)
        .expire(k, KEEP_SECONDS)
        .exec()
        .catch(() => {});
    },
    async today(): Promise<Record<string, number>> {
      const counts = await deps.redis.hgetall(key());
      return Object.fromEntries(Object.entries(counts).map(([result, n]) => [result, Number(n)]));
    },
  };
}

export type VerificationTally = ReturnType<typeof verificationTally>;
