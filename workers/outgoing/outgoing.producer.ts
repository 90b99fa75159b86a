import type { Queue } from 'bullmq';
import type { OutgoingMessage } from '../../core/messaging/outgoing-message';
import type { OutgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import { DEFAULT_JOB_OPTIONS, type OutgoingJobName, type OutgoingPayload, PRIORITY } from '../queues';

export type OutgoingQueue = Queue<OutgoingPayload<OutgoingJobName>, unknown, OutgoingJobName>;

/** A job id per outbox row: adding the same row twice is one job (BullMQ keeps the first). */
const jobId = (outboxId: string) => `out-${outboxId}`;

export function outgoingProducer(deps: { outbox: OutgoingMessageRepository; queue: OutgoingQueue }) {
  const enqueue = (outboxId: string) =>
    deps.queue.add(
      'send',
      { outboxId },
      { ...DEFAULT_JOB_OPTIONS, priority: PRIORITY.message, jobId: jobId(outboxId) },
    );
  return {
    /**
     * Writes the message to the outbox, then queues its id. If Redis is away the row stays
     * pending and `relayUnsent` queues it later; nothing is lost and nothing is sent twice.
     */
    async send(dedupeKey: string, chatId: number, message: OutgoingMessage): Promise<string> {
      const { id } = await deps.outbox.add(dedupeKey, chatId, message);
      await enqueue(id);
      return id;
    },
    /** Queues rows a transaction already wrote to the outbox (after it committed). */
    async enqueue(outboxIds: string[], priority: number = PRIORITY.message): Promise<void> {
      if (outboxIds.length === 0) return;
      await deps.queue.addBulk(
        outboxIds.map((outboxId) => ({
          name: 'send' as const,
          data: { outboxId },
          opts: { ...DEFAULT_JOB_OPTIONS, priority, jobId: jobId(outboxId) },
        })),
      );
    },
    /** Queues every unsent row again; rows already sent are skipped by the processor. */
    async relayUnsent(batch = 500): Promise<number> {
      const rows = await deps.outbox.listUnsent(batch);
      for (const row of rows) await enqueue(row.id);
      return rows.length;
    },
  };
}

export type OutgoingProducer = ReturnType<typeof outgoingProducer>;
