import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { OutgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import { QUEUES } from '../queues';
import type { outgoingProcessor } from './outgoing.processor';

export interface OutgoingWorkerDeps {
  connection: Redis;
  prefix: string;
  /** The service's own cap on messages per second, across every worker process. */
  ratePerSecond: number;
  process: ReturnType<typeof outgoingProcessor>;
  outbox: OutgoingMessageRepository;
  logger: Logger;
}

export function startOutgoingWorker(deps: OutgoingWorkerDeps): Worker {
  const worker: Worker = new Worker(
    QUEUES.outgoing.name,
    (job) => deps.process(job.data, { rateLimit: (ms) => worker.rateLimit(ms) }),
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: 8,
      limiter: { max: deps.ratePerSecond, duration: 1000 },
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    deps.logger.warn(
      { jobId: job.id, attempts: job.attemptsMade, final, err: err.message },
      'outgoing message failed',
    );
    if (final) void deps.outbox.markFailed(job.data.outboxId, err.message).catch(() => {});
  });
  worker.on('error', (err) => deps.logger.error({ err }, 'outgoing worker error'));
  return worker;
}
