import { moscowDate } from '../identity/calendar';
import { recoveryOpenedNotices, recoveryReminderNotice } from './notices';
import { current, decide } from './recovery-decisions';
import { dispatched, type RecoveryDeps } from './service-deps';

/** How long the sweeper keeps re-queueing a callback the portal has not acknowledged. */
const CALLBACK_RETRY_HOURS = 24;
const HOUR_MS = 3_600_000;

/** The portal asks: a new request (the contact is asked, the trustor told), or the pending one. */
export async function openRecovery(deps: RecoveryDeps, accountId: string) {
  const trustor = await deps.accounts.findById(accountId);
  if (!trustor) return { outcome: 'unknown_account' as const };
  const at = deps.clock.now();
  const opened = await deps.store.openRecovery(
    {
      trustorAccountId: accountId,
      now: at,
      ttlSeconds: deps.settings.recoveryTtlSeconds,
      maxPerDay: deps.settings.recoveryMaxPerDay,
      dayStart: moscowDayStart(at),
    },
    (r) => recoveryOpenedNotices(r, trustor),
  );
  if (opened.outcome === 'created')
    await Promise.all([dispatched(deps, opened), deps.jobs.scheduled(opened.request)]);
  return opened;
}

/** The reminder job, halfway: only if the request still waits. */
export async function remind(deps: RecoveryDeps, requestId: string): Promise<boolean> {
  const request = await current(deps, requestId);
  if (request?.status !== 'pending') return false;
  const trustor = await deps.accounts.findById(request.trustorAccountId);
  await dispatched(deps, await deps.store.announce([recoveryReminderNotice(request, trustor)]));
  return true;
}

/**
 * The sweeper's part for requests: overdue ones expire, and a callback job lost with Redis is
 * queued again (one id per request, so never twice at once).
 */
export async function sweepRecoveries(deps: RecoveryDeps, at: Date): Promise<void> {
  for (const request of await deps.store.pendingRecoveries())
    if (request.expiresAt <= at) await decide(deps, request.id, 'expired', 'system');
  if (!deps.jobs.callbacks) return;
  const since = new Date(at.getTime() - CALLBACK_RETRY_HOURS * HOUR_MS);
  for (const request of await deps.store.unacknowledged(since)) await deps.jobs.finished(request);
}

/**
 * After Redis lost its jobs: each pending request's reminder and expiry are queued again (one id
 * per job, so one that still exists is not added twice). Returns how many.
 */
export async function requeuePending(deps: RecoveryDeps): Promise<number> {
  const at = deps.clock.now();
  const pending = (await deps.store.pendingRecoveries()).filter((r) => r.expiresAt > at);
  for (const request of pending) await deps.jobs.scheduled(request);
  return pending.length;
}

/** Midnight in Moscow (UTC+3, no daylight saving) of the instant's Moscow day. */
function moscowDayStart(at: Date): Date {
  return new Date(`${moscowDate(at)}T00:00:00+03:00`);
}
