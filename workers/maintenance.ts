import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { DigitalIdService } from '../core/digital-id/digital-id-service';
import type { RefreshScheduler } from '../core/digital-id/refresh-scheduler';
import { moscowDate } from '../core/identity/calendar';
import type { TrustedContactService } from '../core/trusted-contact/trusted-contact-service';
import type { Database } from '../db/database';
import { maxMessageRepository } from '../db/repositories/max-message.repository';
import { otpRepository } from '../db/repositories/otp.repository';
import { outgoingMessageRepository } from '../db/repositories/outgoing-message.repository';
import { processedUpdateRepository } from '../db/repositories/processed-update.repository';
import { tokenUseRepository } from '../db/repositories/token-use.repository';

/** The worker's housekeeping periods, in one place (docs/operations.md, Retention). */
const MAINTENANCE = {
  /** Old records are pruned this often. */
  pruneEveryMs: 3600_000,
  /**
   * How long update marks, sent messages, spent codes and past days' SMS counts are kept:
   * redelivered updates arrive within minutes, and a day is plenty.
   */
  keepMs: 24 * 3600_000,
  /** What MAX messages the bot sent are kept for editing: no screen is edited after a month. */
  keepMaxMessagesMs: 30 * 24 * 3600_000,
  /** Outbox rows written while Redis was away are queued again this often. */
  relayEveryMs: 30_000,
} as const;

interface MaintenanceDeps {
  db: Database;
  /** The outbox rows not yet queued, queued now; how many. */
  relayUnsent(): Promise<number>;
  /** The recovery sweeper's schedule, put back if Redis lost it. */
  startSweeper(): Promise<void>;
  digitalId: Pick<DigitalIdService, 'chainsToResume' | 'expireAppSessions'>;
  scheduler: Pick<RefreshScheduler, 'resume'>;
  trustedContact: Pick<TrustedContactService, 'requeuePending'>;
  clock: Clock;
  logger: Logger;
}

/**
 * A worker's housekeeping: pruning old records, relaying outbox rows that missed the queue, and
 * the catch-up after Redis lost jobs (the sweeper's schedule, unsent outbox rows, refresh chains
 * whose next step is gone, pending recoveries' reminders and expiries; a job that exists is left
 * as it is, one id each). Returns the catch-up, for when Redis is back, and stop().
 */
export async function startMaintenance(deps: MaintenanceDeps) {
  const { db, logger, clock } = deps;
  const processed = processedUpdateRepository(db);
  const tokenUses = tokenUseRepository(db);
  const outbox = outgoingMessageRepository(db);
  const otp = otpRepository(db);
  const maxMessages = maxMessageRepository(db);
  const prune = async () => {
    const now = clock.now();
    const before = new Date(now.getTime() - MAINTENANCE.keepMs);
    const [updates, spentQrs, finishedMessages, codes, maxSent, appSessions] = await Promise.all([
      processed.pruneOlderThan(before),
      // Marks of spent QRs are needed only while the QR could still verify.
      tokenUses.pruneExpired(now),
      outbox.pruneFinishedBefore(before),
      otp.prune(before, moscowDate(before)),
      maxMessages.pruneOlderThan(new Date(now.getTime() - MAINTENANCE.keepMaxMessagesMs)),
      deps.digitalId.expireAppSessions(),
    ]);
    logger.info({ updates, spentQrs, finishedMessages, codes, maxSent, appSessions }, 'pruned old records');
  };
  const relay = async () => {
    const relayed = await deps.relayUnsent();
    if (relayed > 0) logger.info({ relayed }, 'queued unsent outbox messages again');
  };
  const catchUp = async () => {
    await deps.startSweeper();
    await relay();
    const chains = await deps.digitalId.chainsToResume();
    await deps.scheduler.resume(chains);
    const recoveries = await deps.trustedContact.requeuePending();
    logger.info({ liveSessions: chains.length, recoveries }, 'jobs checked against the database');
  };
  await catchUp();
  const timers = [
    setInterval(
      () => prune().catch((err) => logger.warn({ err }, 'could not prune old records')),
      MAINTENANCE.pruneEveryMs,
    ),
    setInterval(
      () => relay().catch((err) => logger.warn({ err: err.message }, 'relay failed')),
      MAINTENANCE.relayEveryMs,
    ),
  ];
  for (const timer of timers) timer.unref();
  return {
    catchUp,
    stop: () => {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
