import type { Redis } from 'ioredis';
import type { Clock } from '../core/clock';
import { moscowDate } from '../core/identity/calendar';

/** A day's counts outlive the day a little, for an admin looking back at yesterday. */
const KEEP_SECONDS = 8 * 24 * 3600;
const FLUSH_EVERY_MS = 1000;

/** Checkouts' and verifiers' checks, apart from looks at the /v/ page (which spend nothing). */
type TallyKind = 'verifications' | 'page-views';

/**
 * Verifications (and, apart, page views) per Moscow day and result (`confirmed`, or why not), for /stats. Kept in Redis
 * so that every API and bot process adds to one count (Prometheus counts per process). Counted
 * in memory and added to Redis once a second: at 500 checks a second that is one write, not 500.
 */
export function verificationTally(deps: { redis: Redis; prefix: string; clock: Clock }) {
  let pending = new Map<string, Map<string, number>>();
  const key = (kind: TallyKind, day: string) => `${deps.prefix}:${kind}:${day}`;
  const flush = async () => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const write = deps.redis.multi();
    for (const [dayKey, counts] of batch) {
      for (const [result, n] of counts) write.hincrby(dayKey, result, n);
      write.expire(dayKey, KEEP_SECONDS);
    }
    // A count lost while Redis is away costs less than a checkout kept waiting for it.
    await write.exec().catch(() => {});
  };
  const timer = setInterval(() => void flush(), FLUSH_EVERY_MS);
  timer.unref();
  return {
    count(kind: TallyKind, result: string): void {
      const dayKey = key(kind, moscowDate(deps.clock.now()));
      const counts = pending.get(dayKey) ?? new Map<string, number>();
      counts.set(result, (counts.get(result) ?? 0) + 1);
      pending.set(dayKey, counts);
    },
    /** Today's counts from every process; this process's latest are written first. */
    async today(kind: TallyKind): Promise<Record<string, number>> {
      await flush();
      const counts = await deps.redis.hgetall(key(kind, moscowDate(deps.clock.now())));
      return Object.fromEntries(Object.entries(counts).map(([result, n]) => [result, Number(n)]));
    },
    /** Writes what is counted and stops; for shutdown. */
    async close(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}

export type VerificationTally = ReturnType<typeof verificationTally>;
