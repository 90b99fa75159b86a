import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import type { TrustedContactService } from '../../core/trusted-contact/trusted-contact-service';
import type { TrustedContactStore } from '../../core/trusted-contact/trusted-contact-store';
import { withLogContext } from '../../infra/log-context';
import { QUEUES, type RecoveryJobName, type RecoveryPayload } from '../queues';
import { deliverCallback } from './portal-callback';

export interface RecoveryWorkerDeps {
  connection: Redis;
  prefix: string;
  service: TrustedContactService;
  store: Pick<TrustedContactStore, 'findRecovery' | 'markCallbackDelivered'>;
  callback: { url: string; secret: string } | null;
  clock: Clock;
  logger: Logger;
}

/**
 * Reminders, expiries, the sweeper and the portal's callbacks. Each job re-reads the request
 * and acts only if its effect has not happened yet, so a job run twice has one effect.
 */
export function startRecoveryWorker(deps: RecoveryWorkerDeps): Worker {
  const run = async (name: RecoveryJobName, data: RecoveryPayload<RecoveryJobName>) => {
    const requestId = 'requestId' in data ? data.requestId : '';
    switch (name) {
      case 'remind':
        return deps.service.remind(requestId);
      case 'expire':
        return (await deps.service.expire(requestId))?.status ?? null;
      case 'sweep':
        return deps.service.sweep();
      case 'callback': {
        const request = await deps.store.findRecovery(requestId);
        if (!request || request.status === 'pending' || request.callbackDeliveredAt || !deps.callback)
          return 'skipped';
        await deliverCallback(deps.callback, request, deps.clock.now());
        await deps.store.markCallbackDelivered(requestId, deps.clock.now());
        return 'delivered';
      }
    }
  };
  const worker = new Worker(
    QUEUES.recovery.name,
    (job) =>
      withLogContext({ jobId: job.id ?? '', job: job.name }, () =>
        run(job.name as RecoveryJobName, job.data),
      ),
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: 8,
    },
  );
  worker.on('failed', (job, err) =>
    deps.logger.warn(
      { jobId: job?.id, job: job?.name, attempts: job?.attemptsMade, err: err.message },
      'recovery job failed',
    ),
  );
  worker.on('error', (err) => deps.logger.error({ err }, 'recovery worker error'));
  return worker;
}
