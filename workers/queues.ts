import { z } from 'zod';

/**
 * Every queue and job the service uses, with the payload each carries: ids only, never
 * secrets, codes or phone numbers. Everything that talks to the messenger shares one queue,
 * so one rate cap (OUTGOING_RATE_PER_SECOND) covers pushed messages and QR edits alike.
 */
export const QUEUES = {
  outgoing: {
    name: 'outgoing',
    jobs: {
      send: z.object({ outboxId: z.uuid() }),
      'qr-refresh': z.object({ sessionId: z.uuid(), seq: z.number().int().min(1).max(65_535) }),
      'qr-ended': z.object({ sessionId: z.uuid() }),
      'broadcast-expand': z.object({ broadcastId: z.uuid() }),
      'broadcast-progress': z.object({ broadcastId: z.uuid(), round: z.number().int().min(0) }),
    },
  },
  recovery: {
    name: 'recovery',
    jobs: {
      remind: z.object({ requestId: z.uuid() }),
      expire: z.object({ requestId: z.uuid() }),
      callback: z.object({ requestId: z.uuid() }),
      sweep: z.object({}),
    },
  },
} as const;

export type RecoveryJobName = keyof typeof QUEUES.recovery.jobs;
export type RecoveryPayload<N extends RecoveryJobName> = z.infer<(typeof QUEUES.recovery.jobs)[N]>;

export type OutgoingJobName = keyof typeof QUEUES.outgoing.jobs;
export type OutgoingPayload<N extends OutgoingJobName> = z.infer<(typeof QUEUES.outgoing.jobs)[N]>;

/** Lower runs first: a QR on a cashier's screen cannot wait behind a broadcast. */
export const PRIORITY = { qrRefresh: 1, message: 5, broadcast: 10 } as const;

/** Finished jobs are kept a while for inspection, then dropped so Redis does not grow. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
