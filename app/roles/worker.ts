import type { Logger } from 'pino';
import { broadcastStatus } from '../../bot/features/admin/broadcast';
import type { Clock } from '../../core/clock';
import { broadcastRepository } from '../../db/repositories/broadcast.repository';
import { messengerUserRepository } from '../../db/repositories/messenger-user.repository';
import { outgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import type { Closers } from '../../infra/closers';
import type { Metrics } from '../../infra/metrics';
import { createRedis, trackRedis } from '../../infra/redis';
import { broadcastProcessor } from '../../workers/broadcast/broadcast.processor';
import { startMaintenance } from '../../workers/maintenance';
import { outgoingProcessor } from '../../workers/outgoing/outgoing.processor';
import { startOutgoingWorker } from '../../workers/outgoing/outgoing.worker';
import { qrEndedProcessor, qrRefreshProcessor } from '../../workers/qr-refresh/qr-refresh.processor';
import { startRecoveryWorker } from '../../workers/recovery/recovery.worker';
import type { Config } from '../config';

import { type Backend, BROADCAST_PROGRESS_MS, type MessengerTarget } from './backend';
import { platformParts } from './platform';

/**
 * The worker role: the one queue worker that talks to the messenger (pushed messages, QR
 * refreshes, broadcasts), the recovery worker, and the housekeeping.
 */
export async function startWorkerRole(
  config: Config,
  logger: Logger,
  clock: Clock,
  closers: Closers,
  backend: Backend,
  target: MessengerTarget,
  metrics: Metrics,
): Promise<void> {
  const { db } = backend.database;
  const outbox = outgoingMessageRepository(db);
  // No auto-retry here: a 429 must pause the queue, not hold a worker slot while it waits.
  const messenger = (await platformParts(target, { db, logger, pace: backend.pace })).workerMessenger;
  const worker = startOutgoingWorker({
    connection: trackRedis(createRedis(config.redisUrl, 'worker'), logger, closers),
    prefix: config.queuePrefix,
    ratePerSecond: config.outgoingRatePerSecond,
    pace: backend.pace,
    outbox,
    logger,
    send: outgoingProcessor({ outbox, users: messengerUserRepository(db), messenger, logger, metrics }),
    broadcast: broadcastProcessor({
      broadcasts: broadcastRepository(db),
      outgoing: backend.outgoing,
      queue: backend.outgoingQueue,
      messenger,
      clock,
      statusMessage: broadcastStatus(backend.i18n),
      progressEveryMs: BROADCAST_PROGRESS_MS,
    }),
    qrRefresh: qrRefreshProcessor({
      digitalId: backend.digitalId,
      messenger,
      screen: backend.screen,
      scheduler: backend.scheduler,
      pace: backend.pace,
      clock,
      logger,
      metrics,
    }),
    qrEnded: qrEndedProcessor({ digitalId: backend.digitalId, messenger, screen: backend.screen }),
  });
  // Finishes the jobs in hand before the connections close.
  closers.push(() => worker.close());
  const recovery = startRecoveryWorker({
    connection: trackRedis(createRedis(config.redisUrl, 'worker'), logger, closers),
    prefix: config.queuePrefix,
    service: backend.trustedContact,
    store: backend.trustedContactStore,
    callback: backend.portalCallback,
    clock,
    logger,
  });
  closers.push(() => recovery.close());
  const maintenance = await startMaintenance({
    db,
    relayUnsent: () => backend.outgoing.relayUnsent(),
    startSweeper: () => backend.recoveryJobs.startSweeper(),
    digitalId: backend.digitalId,
    scheduler: backend.scheduler,
    trustedContact: backend.trustedContact,
    clock,
    logger,
  });
  closers.push(async () => maintenance.stop());
  backend.onRedisBack(() =>
    maintenance.catchUp().catch((err) => logger.warn({ err: err.message }, 'catching up after Redis failed')),
  );
}
