import type { Queue } from 'bullmq';
import { waitFor } from './wait';

/**
 * Runs `act` with the queue paused, so the service's own jobs on it (a sweep every minute, the
 * outbox relay every 30 s) cannot act behind the test's back. A job already running is waited
 * out: it may have read what the test is about to look at before the pause.
 */
export async function whilePaused<T>(queue: Queue, act: () => Promise<T>): Promise<T> {
  await queue.pause();
  try {
    await waitFor(async () => (await queue.getActiveCount()) === 0, `the running ${queue.name} job`);
    return await act();
  } finally {
    await queue.resume();
  }
}
