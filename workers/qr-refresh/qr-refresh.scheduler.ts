import { Job } from 'bullmq';
import type { Clock } from '../../core/clock';
import type { RefreshScheduler } from '../../core/digital-id/refresh-scheduler';
import type { OutgoingQueue } from '../outgoing/outgoing.producer';
import type { SendPace } from '../outgoing/send-pace';
import { DEFAULT_JOB_OPTIONS, PRIORITY } from '../queues';

/** One job id per session and seq: a duplicate add, from a retry or a restart, is the same job. */
const jobId = (sessionId: string, seq: number) => `qr-${sessionId}-${seq}`;

/**
 * The refresh loop is a chain of delayed jobs, each scheduling the next; the state lives in
 * the database, so a restarted worker picks up the chain where Redis kept it.
 */
export function qrRefreshScheduler(deps: {
  queue: OutgoingQueue;
  clock: Clock;
  pace: Pick<SendPace, 'grantQrEdit'>;
}): RefreshScheduler {
  const step = (sessionId: string, seq: number, at: Date) => ({
    name: 'qr-refresh' as const,
    data: { sessionId, seq },
    opts: {
      ...DEFAULT_JOB_OPTIONS,
      jobId: jobId(sessionId, seq),
      priority: PRIORITY.qrRefresh,
      delay: Math.max(0, at.getTime() - deps.clock.now().getTime()),
    },
  });
  const scheduler: RefreshScheduler = {
    async schedule(sessionId, seq, at) {
      const { name, data, opts } = step(sessionId, seq, at);
      await deps.queue.add(name, data, opts);
    },
    /** In batches; a step already queued stays as it is. */
    async resume(chains) {
      const now = deps.clock.now();
      for (let i = 0; i < chains.length; i += 500)
        await deps.queue.addBulk(chains.slice(i, i + 500).map((c) => step(c.sessionId, c.nextSeq, now)));
    },
    /** The waiting job for the step is promoted, or added due now if Redis lost it. */
    async runNow(sessionId, seq, chatId) {
      if (!(await deps.pace.grantQrEdit(chatId))) return false;
      const job = await Job.fromId(deps.queue, jobId(sessionId, seq));
      if (job && (await job.isDelayed())) await job.promote();
      else if (!job) await scheduler.schedule(sessionId, seq, deps.clock.now());
      return true;
    },
    async showEnded(sessionId, afterSeq) {
      // One job per occasion: a completed job's id is kept an hour, and would swallow a later one.
      const jobId = afterSeq === undefined ? `qr-ended-${sessionId}` : `qr-ended-${sessionId}-${afterSeq}`;
      await deps.queue.add(
        'qr-ended',
        { sessionId },
        { ...DEFAULT_JOB_OPTIONS, jobId, priority: PRIORITY.qrRefresh },
      );
    },
  };
  return scheduler;
}
