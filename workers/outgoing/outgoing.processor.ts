import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { Messenger } from '../../core/messaging/messenger';
import type { MessengerUserRepository } from '../../db/repositories/messenger-user.repository';
import type { OutgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import { QUEUES } from '../queues';
import type { Turn } from './send-pace';

export interface OutgoingProcessorDeps {
  outbox: OutgoingMessageRepository;
  users: MessengerUserRepository;
  messenger: Messenger;
  logger: Logger;
  metrics: { outgoing: Counter<'result'> };
  /** How long one send may hold a message before another worker may take it over. */
  leaseMs?: number;
}

export type OutgoingResult = 'sent' | 'already-sent' | 'already-failed' | 'abandoned' | 'blocked';

/** What the worker lends a processor: the queue's pause on a 429, and the chat's pace. */
export interface SendControl {
  rateLimit(ms: number): Promise<void>;
  /** Whether the chat may get a message (or a QR edit) now, or from when. */
  turn(chatId: number, kind: 'message' | 'qr'): Promise<Turn>;
  /** Moves the job to wait until `at`; the processor then throws DelayedError. */
  waitUntil(at: number): Promise<void>;
}

/**
 * Sends one outbox message. The row, not the job, decides: a job run twice, or two workers
 * racing on a stalled job, find the row already claimed or sent and do not send again.
 */
export function outgoingProcessor(deps: OutgoingProcessorDeps) {
  const leaseMs = deps.leaseMs ?? 60_000;
  return async (data: unknown, control: SendControl): Promise<OutgoingResult> => {
    const parsed = QUEUES.outgoing.jobs.send.safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`bad outgoing payload: ${parsed.error.message}`);
    const { outboxId } = parsed.data;

    const found = async () => {
      const current = await deps.outbox.find(outboxId);
      if (!current) throw new UnrecoverableError(`outbox row ${outboxId} does not exist`);
      const done = { sent: 'already-sent', failed: 'already-failed' } as const;
      return { current, done: current.status in done ? done[current.status as keyof typeof done] : null };
    };
    const before = await found();
    if (before.done) return before.done;
    // The chat's turn is taken before the claim, so waiting for it leaves the row untouched.
    const turn = await control.turn(before.current.chatId, 'message');
    if (!turn.go) {
      await control.waitUntil(turn.at);
      throw new DelayedError();
    }
    const row = await deps.outbox.claim(outboxId, leaseMs);
    if (!row) {
      const { current, done } = await found();
      if (done) return done;
      if (current.broadcastId && (await deps.outbox.abandon(outboxId))) return 'abandoned';
      // Another worker holds the lease: try again after it ends or expires.
      throw new Error(`outbox row ${outboxId} is being sent by another worker`);
    }

    let result: Awaited<ReturnType<Messenger['sendMessage']>>;
    try {
      result = await deps.messenger.sendMessage(row.chatId, row.message);
    } catch (err) {
      // Not a failure the messenger port knows (a 400 for a bad request): retrying cannot help.
      await deps.outbox.markFailed(outboxId, err instanceof Error ? err.message : String(err));
      deps.metrics.outgoing.inc({ result: 'failed' });
      throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
    }
    if (result.ok) {
      await deps.outbox.markSent(outboxId, result.value.messageId);
      deps.metrics.outgoing.inc({ result: 'sent' });
      return 'sent';
    }
    const failure = result.failure;
    switch (failure.code) {
      case 'RATE_LIMITED':
        await deps.outbox.release(outboxId, 'rate limited');
        deps.metrics.outgoing.inc({ result: 'rate_limited' });
        // The whole queue pauses for retry_after; this job goes back to waiting, not to failed.
        await control.rateLimit(failure.retryAfterSeconds * 1000);
        throw Worker.RateLimitError();
      case 'BLOCKED_BY_USER':
        // The person first: once the row reads failed, they are already known unreachable, and a
        // crash between the two leaves the row claimed, so the retried job ends the same way.
        await deps.users.markUnreachableByChat(row.chatId);
        await deps.outbox.markFailed(outboxId, 'blocked by the user');
        deps.metrics.outgoing.inc({ result: 'blocked' });
        return 'blocked';
      case 'UNAVAILABLE':
        await deps.outbox.release(outboxId, failure.description);
        deps.metrics.outgoing.inc({ result: 'retried' });
        throw new Error(`messenger unavailable: ${failure.description}`);
      default:
        await deps.outbox.markFailed(outboxId, failure.code);
        deps.metrics.outgoing.inc({ result: 'failed' });
        throw new UnrecoverableError(`cannot send: ${failure.code}`);
    }
  };
}
