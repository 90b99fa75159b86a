import type { Redis } from 'ioredis';

/** The person's count in the current window, which starts with their first action. */
const COUNT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

/**
 * One person's actions in a window, counted in Redis for every process: the chat's updates and
 * the Mini App's session opens share the key, so one budget holds whichever way they come.
 * Without Redis it answers null: nothing can be counted, and the caller lets the action go on.
 */
export function personRate(deps: { redis: Redis; prefix: string; windowMs: number }) {
  return async (userId: number): Promise<number | null> => {
    try {
      return Number(await deps.redis.eval(COUNT, 1, `${deps.prefix}:rate:user:${userId}`, deps.windowMs));
    } catch {
      return null;
    }
  };
}
