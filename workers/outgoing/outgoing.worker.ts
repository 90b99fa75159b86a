import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { OutgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import { withLogContext } from '../../infra/log-context';
import type { broadcastProcessor } from '../broadcast/broadcast.processor';
import type { qrEndedProcessor, qrRefreshProcessor } from '../qr-refresh/qr-refresh.processor';
import { QUEUES } from '../queues';
import type { outgoingProcessor, SendControl } from './outgoing.processor';
import type { SendPace } from './send-pace';

export interface OutgoingWorkerDeps {
  connection: Redis;
  prefix: string;
  /** The service's own cap on messenger calls per second, across every worker process. */
  ratePerSecond: number;
  /** The per-chat pace, shared by every process through Redis. */
  pace: Pick<SendPace, 'turn'>;
  concurrency?: number;
  send: ReturnType<typeof outgoingProcessor>;
  qrRefresh: ReturnType<typeof qrRefreshProcessor>;
  qrEnded: ReturnType<typeof qrEndedProcessor>;
  broadcast: ReturnType<typeof broadcastProcessor>;
  outbox: OutgoingMessageRepository;
  logger: Logger;
}

/** The one worker that talks to the messenger: pushed messages and Digital ID refreshes. */
export function startOutgoingWorker(deps: OutgoingWorkerDeps): Worker {
  const worker: Worker = new Worker(
    QUEUES.outgoing.name,
    (job, token) =>
      withLogContext({ jobId: job.id ?? '', job: job.name }, async () => {
        const control: SendControl = {
          rateLimit: (ms) => worker.rateLimit(ms),
          turn: (chatId, kind) => deps.pace.turn(chatId, job.id ?? '', kind),
          // Not this chat's turn yet: the job waits in the delayed set (keeping its priority),
          // holding no worker slot, while other chats' jobs go ahead.
          waitUntil: (at) => job.moveToDelayed(at, token),
        };
        if (job.name === 'qr-refresh') {
          return deps.qrRefresh(job.data, { ...control, dueAt: job.timestamp + (job.opts.delay ?? 0) });
        }
        if (job.name === 'qr-ended') return deps.qrEnded(job.data);
        if (job.name === 'broadcast-expand' || job.name === 'broadcast-progress')
          return deps.broadcast(job.name, job.data);
        return deps.send(job.data, control);
      }),
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: deps.concurrency ?? 16,
      limiter: evenLimiter(deps.ratePerSecond),
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    deps.logger.warn(
      { jobId: job.id, job: job.name, attempts: job.attemptsMade, final, err: err.message },
      'job failed',
    );
    if (final && job.name === 'send')
      void deps.outbox.markFailed(job.data.outboxId, err.message).catch(() => {});
  });
  worker.on('error', (err) => deps.logger.error({ err }, 'outgoing worker error'));
  return worker;
}

/**
 * The cap as evenly spaced starts, not as `rate` starts per fixed second: a fixed window lets two
 * full windows meet at their boundary (twice the rate within one second), which a messenger's
 * sliding window answers with 429s.
 */
export function evenLimiter(ratePerSecond: number): { max: number; duration: number } {
  const intervalMs = 1000 / ratePerSecond;
  return intervalMs >= 1
    ? { max: 1, duration: Math.ceil(intervalMs) }
    : { max: Math.floor(ratePerSecond / 1000), duration: 1 };
}
