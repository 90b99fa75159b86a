import { z } from 'zod';

/** Every queue the service uses, with the payload each job carries: ids only, never secrets. */
export const QUEUES = {
  outgoing: {
    name: 'outgoing',
    payload: z.object({ outboxId: z.uuid() }),
  },
} as const;

export type QueueName = keyof typeof QUEUES;
export type JobPayload<Q extends QueueName> = z.infer<(typeof QUEUES)[Q]['payload']>;

/** Finished jobs are kept a while for inspection, then dropped so Redis does not grow. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
