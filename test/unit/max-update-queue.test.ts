import { afterEach, describe, expect, it } from 'vitest';
import type { MaxUpdate } from '../../sandbox/max/types';
import { MaxUpdateQueue } from '../../sandbox/max/updates';

const user = {
  user_id: 1,
  first_name: 'A',
  last_name: null,
  username: null,
  is_bot: false,
  last_activity_time: 0,
};
const started = (chat_id: number): MaxUpdate => ({
  update_type: 'bot_started',
  timestamp: 0,
  chat_id,
  user,
  payload: null,
  user_locale: 'ru',
});
const stopped = (chat_id: number): MaxUpdate => ({ update_type: 'bot_stopped', timestamp: 0, chat_id, user });

let queue: MaxUpdateQueue;
afterEach(() => queue?.close());

describe("the MAX dialect's update queue", () => {
  it('numbers from the clock, never 0, and answers the last number + 1 as the marker', async () => {
    queue = new MaxUpdateQueue(() => {});
    const empty = await queue.getUpdates(undefined, 100, 0, undefined);
    expect(empty.updates).toEqual([]);
    expect(empty.marker).toBeGreaterThan(1_000_000_000_000);
    const n = queue.push(started(1));
    expect(n).toBe(empty.marker);
    expect(await queue.getUpdates(undefined, 100, 0, undefined)).toEqual({
      updates: [started(1)],
      marker: n + 1,
    });
  });

  it('a marker commits everything below it; without one, everything uncommitted comes again', async () => {
    queue = new MaxUpdateQueue(() => {});
    queue.push(started(1));
    queue.push(started(2));
    queue.push(started(3));
    const first = await queue.getUpdates(undefined, 2, 0, undefined);
    expect(first.updates).toEqual([started(1), started(2)]);
    expect((await queue.getUpdates(undefined, 100, 0, undefined)).updates).toHaveLength(3);
    expect((await queue.getUpdates(first.marker, 100, 0, undefined)).updates).toEqual([started(3)]);
  });

  it('filters by types, and a newer poll ends a waiting one', async () => {
    queue = new MaxUpdateQueue(() => {});
    const older = queue.getUpdates(undefined, 100, 30, ['bot_started']);
    const newer = queue.getUpdates(undefined, 100, 30, ['bot_started']);
    expect((await older).updates).toEqual([]);
    queue.push(stopped(1));
    queue.push(started(2));
    expect((await newer).updates).toEqual([started(2)]);
  });

  it('refuses polling while subscribed, and gives back what a removed subscription did not deliver', async () => {
    queue = new MaxUpdateQueue(() => {});
    queue.push(started(1));
    queue.subscribe({ url: 'http://127.0.0.1:1/hook', secret: undefined, types: undefined, time: 0 });
    await expect(queue.getUpdates(undefined, 100, 0, undefined)).rejects.toMatchObject({ status: 405 });
    queue.push(started(2));
    expect(queue.unsubscribe('http://127.0.0.1:1/hook')).toBe(true);
    expect((await queue.getUpdates(undefined, 100, 0, undefined)).updates).toEqual([started(1), started(2)]);
  });
});
