import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import type { RecoveryJobs } from '../../core/trusted-contact/service-deps';
import type { RecoveryRequest } from '../../core/trusted-contact/trusted-contact-store';
import { DEFAULT_JOB_OPTIONS, type RecoveryJobName, type RecoveryPayload } from '../queues';

export type RecoveryQueue = Queue<RecoveryPayload<RecoveryJobName>, unknown, RecoveryJobName>;

/** How often the sweeper closes what its own jobs missed (a lost job, a registry re-import). */
export const SWEEP_EVERY_MS = 60_000;

/** The recovery jobs core asks for, and the repeating sweeper the worker starts. */
export interface RecoveryJobQueue extends RecoveryJobs {
  startSweeper(): Promise<void>;
}

/**
 * A recovery's delayed jobs, one id each so scheduling twice is one job: the reminder halfway,
 * the expiry at the end, and the portal's callback once it is decided, retried with backoff
 * for about a day until the portal answers 2xx.
 */
export function recoveryJobs(
  queue: RecoveryQueue,
  clock: Clock,
  options: { callbacks: boolean; logger: Logger },
): RecoveryJobQueue {
  const delayUntil = (at: Date) => Math.max(0, at.getTime() - clock.now().getTime());
  // With Redis away the change itself still stands; the sweeper queues what is missing.
  const tolerant =
    (what: string, add: (request: RecoveryRequest) => Promise<unknown>) =>
    async (request: RecoveryRequest) => {
      await add(request).catch((err: Error) =>
        options.logger.warn(
          { err: err.message, requestId: request.id },
          `could not queue the ${what}; the sweeper will`,
        ),
      );
    };
  return {
    callbacks: options.callbacks,
    scheduled: tolerant('reminder and expiry', (request) => {
      const halfway = new Date((request.createdAt.getTime() + request.expiresAt.getTime()) / 2);
      return queue.addBulk([
        {
          name: 'remind',
          data: { requestId: request.id },
          opts: { ...DEFAULT_JOB_OPTIONS, jobId: `remind-${request.id}`, delay: delayUntil(halfway) },
        },
        {
          name: 'expire',
          data: { requestId: request.id },
          opts: {
            ...DEFAULT_JOB_OPTIONS,
            jobId: `expire-${request.id}`,
            delay: delayUntil(request.expiresAt),
          },
        },
      ]);
    }),
    finished: tolerant('portal callback', (request) =>
      queue.add(
        'callback',
        { requestId: request.id },
        {
          ...DEFAULT_JOB_OPTIONS,
          jobId: `callback-${request.id}`,
          attempts: 25,
          backoff: { type: 'exponential', delay: 2000 },
        },
      ),
    ),
    async startSweeper() {
      await queue.upsertJobScheduler('sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
    },
  };
}
