import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Closers } from '../../infra/closers';
import { producerQueue } from '../../infra/queue';
import { createRedis, trackRedis } from '../../infra/redis';
import type { OutgoingQueue } from '../../workers/outgoing/outgoing.producer';
import { QUEUES } from '../../workers/queues';
import type { RecoveryQueue } from '../../workers/recovery/recovery.jobs';
import type { Config } from '../config';

/** The queues' producer side, on one Redis connection whose outages are tracked. */
export interface Producers {
  redis: Redis;
  outgoingQueue: OutgoingQueue;
  recoveryQueue: RecoveryQueue;
  /** Runs `listener` each time Redis answers again after an outage. */
  onRedisBack(listener: () => void): void;
  /** Jobs per state, per queue, for operators. */
  queueCounts(): Promise<Record<string, Record<string, number>>>;
}

export function startProducers(config: Config, logger: Logger, closers: Closers): Producers {
  const redisBack: Array<() => void> = [];
  const redis = trackRedis(createRedis(config.redisUrl, 'producer'), logger, closers, () => {
    for (const listener of redisBack) listener();
  });
  const outgoingQueue: OutgoingQueue = producerQueue(
    QUEUES.outgoing.name,
    redis,
    config.queuePrefix,
    closers,
  );
  const recoveryQueue: RecoveryQueue = producerQueue(
    QUEUES.recovery.name,
    redis,
    config.queuePrefix,
    closers,
  );
  return {
    redis,
    outgoingQueue,
    recoveryQueue,
    onRedisBack: (listener) => redisBack.push(listener),
    async queueCounts() {
      const states = (q: Queue) => q.getJobCounts('waiting', 'delayed', 'active', 'failed');
      const [outgoing, recovery] = await Promise.all([states(outgoingQueue), states(recoveryQueue)]);
      return { [QUEUES.outgoing.name]: outgoing, [QUEUES.recovery.name]: recovery };
    },
  };
}
