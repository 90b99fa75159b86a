import type { Redis } from 'ioredis';

/**
 * Which Mini App session each person opened last, where every API process reads it: a person
 * held back for polling unknown session ids (api/unknown-session-polls.ts) still reaches their
 * own QR on any process. Kept until the session's end; with Redis away nothing is known, and
 * a held-back person's polls wait for their cap's window like any other.
 */
export function redisAppLiveSessions(deps: { redis: Redis; prefix: string }) {
  const key = (messengerUserId: number) => `${deps.prefix}:app-live:${messengerUserId}`;
  return {
    async opened(messengerUserId: number, sessionId: string, endsAt: Date): Promise<void> {
      await deps.redis.set(key(messengerUserId), sessionId, 'PXAT', endsAt.getTime()).catch(() => {});
    },
    sessionOf: (messengerUserId: number): Promise<string | null> =>
      deps.redis.get(key(messengerUserId)).catch(() => null),
    /**
     * The session it named has ended. A new one opened meanwhile on another process loses its
     * entry too, and is only held back with the person's other polls until the cap's window ends.
     */
    async forget(messengerUserId: number): Promise<void> {
      await deps.redis.del(key(messengerUserId)).catch(() => {});
    },
  };
}

export type AppLiveSessions = ReturnType<typeof redisAppLiveSessions>;
