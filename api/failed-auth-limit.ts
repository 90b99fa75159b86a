import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { Clock } from '../core/clock';
import { limitedAddress } from './client-address';

const WINDOW_MS = 60_000;

/**
 * Failed authentications per client address (an IPv6 client by its /64) and minute, counted in
 * Redis so the limit holds across API processes. Over the limit, an address is refused before its key is looked up: a
 * stream of wrong keys costs PostgreSQL nothing. A Redis outage lets the limit go rather than
 * stopping checkouts (like the per-key limit).
 */
export function failedAuthLimit(deps: { redis: Redis; prefix: string; perMinute: number; clock: Clock }) {
  const window = () => Math.floor(deps.clock.now().getTime() / WINDOW_MS);
  const key = (address: string) => `${deps.prefix}:auth-failures:${limitedAddress(address)}:${window()}`;
  return {
    /** Refuses the request (429) if the address is over the limit; true when it did. */
    async refused(address: string, reply: FastifyReply): Promise<boolean> {
      const failures = Number((await deps.redis.get(key(address)).catch(() => null)) ?? 0);
      if (failures < deps.perMinute) return false;
      const retryAfter = Math.ceil(((window() + 1) * WINDOW_MS - deps.clock.now().getTime()) / 1000);
      await reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .send({ reason: 'too_many_failed_attempts' });
      return true;
    },

    async failed(address: string): Promise<void> {
      const counter = key(address);
      await deps.redis
        .multi()
        .incr(counter)
        .expire(counter, (2 * WINDOW_MS) / 1000)
        .exec()
        .catch(() => {});
    },
  };
}

export type FailedAuthLimit = ReturnType<typeof failedAuthLimit>;
