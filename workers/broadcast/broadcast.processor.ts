import { UnrecoverableError } from 'bullmq';
import type { Broadcast, BroadcastProgress, BroadcastStore } from '../../core/broadcast/broadcast-store';
import type { Clock } from '../../core/clock';
import type { Messenger } from '../../core/messaging/messenger';
import type { OutgoingMessage } from '../../core/messaging/outgoing-message';
import type { OutgoingProducer, OutgoingQueue } from '../outgoing/outgoing.producer';
import { DEFAULT_JOB_OPTIONS, PRIORITY, QUEUES } from '../queues';

export interface BroadcastDeps {
  broadcasts: BroadcastStore;
  outgoing: OutgoingProducer;
  queue: OutgoingQueue;
  messenger: Messenger;
  clock: Clock;
  /** The admin's status message for these counts, in the admin's language. */
  statusMessage(broadcast: Broadcast, progress: BroadcastProgress): OutgoingMessage;
  /** How often the status message is edited at most. */
  progressEveryMs: number;
  batchSize?: number;
}

/** The jobs that start a broadcast and keep its status message current. */
export function broadcastJobs(deps: Pick<BroadcastDeps, 'queue' | 'progressEveryMs'>) {
  return {
    start: (broadcastId: string) =>
      deps.queue.add(
        'broadcast-expand',
        { broadcastId },
        { ...DEFAULT_JOB_OPTIONS, jobId: `bc-expand-${broadcastId}`, priority: PRIORITY.message },
      ),
    progress: (broadcastId: string, round: number, delay: number) =>
      deps.queue.add(
        'broadcast-progress',
        { broadcastId, round },
        {
          ...DEFAULT_JOB_OPTIONS,
          jobId: `bc-progress-${broadcastId}-${round}`,
          delay,
          priority: PRIORITY.message,
        },
      ),
  };
}

/**
 * `broadcast-expand` writes the recipients to the outbox in batches and queues them below Digital
 * ID refreshes; run again (a restart, a stalled job) it carries on after the last one written.
 * `broadcast-progress` edits the status message, then comes back until nothing is left.
 */
export function broadcastProcessor(deps: BroadcastDeps) {
  const jobs = broadcastJobs(deps);
  const batchSize = deps.batchSize ?? 500;

  async function expand(broadcastId: string): Promise<string> {
    const broadcast = await deps.broadcasts.find(broadcastId);
    if (!broadcast) throw new UnrecoverableError(`no broadcast ${broadcastId}`);
    if (broadcast.status !== 'running') return broadcast.status;
    await jobs.progress(broadcastId, 0, 0);
    for (;;) {
      const current = await deps.broadcasts.find(broadcastId);
      if (current?.status !== 'running') return current?.status ?? 'gone';
      const ids = await deps.broadcasts.writeNextBatch(current, batchSize);
      await deps.outgoing.enqueue(ids, PRIORITY.broadcast);
      if (ids.length < batchSize) break;
    }
    await deps.broadcasts.markAllQueued(broadcastId);
    return 'queued';
  }

  async function progress(broadcastId: string, round: number): Promise<string> {
    const broadcast = await deps.broadcasts.find(broadcastId);
    if (!broadcast?.statusMessageId) return 'no-status-message';
    const counts = await deps.broadcasts.progress(broadcastId);
    const finished = broadcast.total !== null && counts.left === 0;
    if (finished) await deps.broadcasts.finish(broadcastId, deps.clock.now());
    const shown = (await deps.broadcasts.find(broadcastId)) ?? broadcast;
    const edited = await deps.messenger.editText(
      shown.adminChatId,
      broadcast.statusMessageId,
      deps.statusMessage(shown, counts),
    );
    if (!edited.ok && edited.failure.code === 'RATE_LIMITED')
      throw new Error('rate limited; the status waits');
    if (shown.status === 'running') await jobs.progress(broadcastId, round + 1, deps.progressEveryMs);
    return shown.status;
  }

  return async (name: 'broadcast-expand' | 'broadcast-progress', data: unknown): Promise<string> => {
    if (name === 'broadcast-expand') {
      const parsed = QUEUES.outgoing.jobs['broadcast-expand'].safeParse(data);
      if (!parsed.success) throw new UnrecoverableError('bad broadcast payload');
      return expand(parsed.data.broadcastId);
    }
    const parsed = QUEUES.outgoing.jobs['broadcast-progress'].safeParse(data);
    if (!parsed.success) throw new UnrecoverableError('bad broadcast payload');
    return progress(parsed.data.broadcastId, parsed.data.round);
  };
}
