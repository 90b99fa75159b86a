import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Closers } from './closers';

/** A queue to add jobs to, on the producers' connection. */
export function producerQueue<Q extends Queue>(
  name: string,
  redis: Redis,
  prefix: string,
  closers: Closers,
): Q {
  const queue = new Queue(name, { connection: redis, prefix });
  // BullMQ prints a queue's connection errors unless someone listens; trackRedis reports them.
  queue.on('error', () => {});
  closers.push(() => queue.close());
  return queue as Q;
}
