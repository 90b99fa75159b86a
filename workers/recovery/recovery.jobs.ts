import type { Queue } from 'bullmq';
import type { Clock } from '../../core/clock';
import type { RecoveryJobs } from '../../core/trusted-contact/trusted-contact-service';
import { DEFAULT_JOB_OPTIONS, type RecoveryJobName, type RecoveryPayload } from '../queues';

export type RecoveryQueue = Queue<RecoveryPayload<RecoveryJobName>, unknown, RecoveryJobName>;

/** How often the sweeper closes what its own jobs missed (a lost job, a registry re-import). */
export const SWEEP_EVERY_MS = 60_000;

/**
 * A recovery's delayed jobs, one id each so scheduling twice is one job: the reminder halfway,
 * the expiry at the end, and the portal's callback once it is decided, retried with backoff
 * for a day until the portal answers 2xx.
 */
export function recoveryJobs(
  queue: RecoveryQueue,
  clock: Clock,
): RecoveryJobs & { startSweeper(): Promise<void> } {
  const delayUntil = (at: Date) => Math.max(0, at.getTime() - clock.now().getTime());
  return {
    async scheduled(request) {
      const halfway = new Date((request.createdAt.getTime() + request.expiresAt.getTime()) / 2);
      await queue.add(
        'remind',
        { requestId: request.id },
        {
          ...DEFAULT_JOB_OPTIONS,
          jobId: `remind-${request.id}`,
          delay: delayUntil(halfway),
        },
      );
      await queue.add(
        'expire',
        { requestId: request.id },
        {
          ...DEFAULT_JOB_OPTIONS,
          jobId: `expire-${request.id}`,
          delay: delayUntil(request.expiresAt),
        },
      );
    },
    async finished(request) {
      await queue.add(
        'callback',
        { requestId: request.id },
        {
          ...DEFAULT_JOB_OPTIONS,
          jobId: `callback-${request.id}`,
          attempts: 25,
          backoff: { type: 'exponential', delay: 2000 },
        },
      );
    },
    async startSweeper() {
      await queue.upsertJobScheduler('sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
    },
  };
}
