import type { Clock } from '../clock';
import type { AccountDirectory } from '../identity/account-linking';
import type { OtpService } from '../otp/otp-service';
import type {
  Effects,
  EndedRecoveries,
  RecoveryRequest,
  RecoveryStore,
  TrustedContactStore,
  TrustLinkStore,
} from './trusted-contact-store';

export interface TrustedContactSettings {
  invitationTtlSeconds: number;
  recoveryTtlSeconds: number;
  recoveryMaxPerDay: number;
  trustorsPerContact: number;
}

/**
 * The jobs a recovery needs besides its messages: a reminder, its expiry, the portal's callback.
 * Scheduling must not fail a decision already committed: the sweeper makes up for a lost job.
 */
export interface RecoveryJobs {
  scheduled(request: RecoveryRequest): Promise<void>;
  finished(request: RecoveryRequest): Promise<void>;
  /** Whether final statuses are posted to the portal at all (RECOVERY_CALLBACK_URL). */
  readonly callbacks: boolean;
}

/** What follows a commit: the outbox rows it wrote are queued. */
interface Dispatching {
  dispatch(effects: Effects): Promise<void>;
}

/** Invitations and relationships. */
export interface TrustLinkDeps extends Dispatching {
  store: TrustLinkStore;
  accounts: AccountDirectory;
  clock: Clock;
  settings: Pick<TrustedContactSettings, 'invitationTtlSeconds' | 'trustorsPerContact'>;
  /** A relationship's end finishes its pending requests: the portal hears of them. */
  jobs: Pick<RecoveryJobs, 'finished'>;
}

/** Recovery requests; the request's relationship is read to know whether its contact may still decide. */
export interface RecoveryDeps extends Dispatching {
  store: RecoveryStore & Pick<TrustLinkStore, 'findLink'>;
  accounts: AccountDirectory;
  otp: OtpService;
  clock: Clock;
  settings: Pick<TrustedContactSettings, 'recoveryTtlSeconds' | 'recoveryMaxPerDay'>;
  jobs: RecoveryJobs;
  /** The SMS carrying an approval code. */
  smsText(code: string): string;
}

export interface TrustedContactDeps extends TrustLinkDeps, RecoveryDeps {
  store: TrustedContactStore;
  settings: TrustedContactSettings;
  jobs: RecoveryJobs;
}

/** A committed change's messages go out; the result is handed on. */
export async function dispatched<T extends Effects | null | { outboxIds?: string[] }>(
  deps: Dispatching,
  result: T,
): Promise<T> {
  if (result && 'outboxIds' in result && result.outboxIds)
    await deps.dispatch({ outboxIds: result.outboxIds });
  return result;
}

/** A relationship's end committed: its messages go out, and the portal hears of the requests it ended. */
export async function settled<T extends (Effects & EndedRecoveries) | null>(
  deps: Pick<TrustLinkDeps, 'dispatch' | 'jobs'>,
  result: T,
): Promise<T> {
  await dispatched(deps, result);
  for (const request of result?.endedRequests ?? []) await deps.jobs.finished(request);
  return result;
}
