import type { Notice } from '../messaging/notice';

export type TrustLinkStatus =
  | 'invited'
  | 'active'
  | 'declined'
  | 'cancelled'
  | 'expired'
  | 'ended'
  | 'replaced';
export type RecoveryStatus = 'pending' | 'approved' | 'denied' | 'cancelled' | 'expired';
export type FinalRecoveryStatus = Exclude<RecoveryStatus, 'pending'>;

export interface TrustLink {
  id: string;
  trustorAccountId: string;
  /** Null for an invitation to a number that is no eligible person's: never delivered. */
  contactAccountId: string | null;
  contactName: string;
  contactPhoneMasked: string;
  status: TrustLinkStatus;
  delivered: boolean;
  invitedAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
}

export interface RecoveryRequest {
  id: string;
  trustorAccountId: string;
  contactAccountId: string;
  trustLinkId: string;
  status: RecoveryStatus;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  callbackDeliveredAt: Date | null;
}

/** Notices a change causes, built from the changed row (loading names may take a query). */
export type Notices = Notice[] | Promise<Notice[]>;

/** Who made a change, for the audit trail. */
export type Actor = { account: string } | 'portal' | 'system';

/** What a state change wrote besides itself: the outbox rows to queue once it committed. */
export interface Effects {
  outboxIds: string[];
}

/**
 * A relationship that stops being active takes its pending recoveries with it, in the same
 * transaction: each is cancelled (or expired, if already past its time) and audited, so an
 * ex-contact can never decide it. Their callbacks are queued once it committed.
 */
export interface EndedRecoveries {
  endedRequests: RecoveryRequest[];
}

export type NewInvitation = Omit<TrustLink, 'id' | 'status' | 'delivered' | 'acceptedAt'>;

/** The portal's ask, with the limits it is opened under. */
export interface RecoveryAsk {
  trustorAccountId: string;
  now: Date;
  ttlSeconds: number;
  maxPerDay: number;
  dayStart: Date;
}

/**
 * Trusted contacts in the database: invitations and the relationships they become. Every change
 * is one transaction: the conditional state change, its audit record and its notices commit
 * together or not at all, so a retried job or a second tap finds the state already changed and
 * does nothing.
 */
export interface TrustLinkStore {
  trustorView(
    trustorAccountId: string,
    now: Date,
  ): Promise<{ invitation: TrustLink | null; active: TrustLink | null }>;
  contactView(contactAccountId: string): Promise<TrustLink[]>;
  findLink(id: string): Promise<TrustLink | null>;

  /**
   * When the trustor may send a new invitation: null if now, else when the oldest of the
   * `maxPerHour` they sent in the hour before `now` leaves that hour.
   */
  nextInvitationAt(trustorAccountId: string, now: Date, maxPerHour: number): Promise<Date | null>;
  /**
   * The trustor's invitation, cancelling their previous open one, unless they already sent
   * `maxPerHour` in the hour before `invitedAt` (counted from the audit trail under the
   * trustor's lock, so concurrent forms and restarts cannot exceed it): then nothing changes.
   */
  invite(
    input: NewInvitation,
    maxPerHour: number,
    notices: (link: TrustLink) => Notices,
  ): Promise<({ outcome: 'invited'; link: TrustLink } & Effects) | { outcome: 'limited'; retryAt: Date }>;
  /**
   * invited → active, if the contact still has room (`cap`); the trustor's previous contact is
   * replaced, and the requests pending with them end with it.
   */
  accept(
    id: string,
    contactAccountId: string,
    now: Date,
    cap: number,
    notices: (link: TrustLink, replaced: TrustLink | null, endedRequests: RecoveryRequest[]) => Notices,
  ): Promise<
    | ({ outcome: 'accepted'; link: TrustLink } & EndedRecoveries & Effects)
    | { outcome: 'not_pending' | 'contact_full' }
  >;
  /**
   * `from` → `to` if the link is still in `from` (an invitation only while unexpired, unless
   * expiring). An active link's pending requests end with it.
   */
  close(
    id: string,
    from: 'invited' | 'active',
    to: 'declined' | 'cancelled' | 'expired' | 'ended',
    at: Date,
    actor: Actor,
    reason: string,
    notices: (link: TrustLink, endedRequests: RecoveryRequest[]) => Notices,
  ): Promise<({ link: TrustLink } & EndedRecoveries & Effects) | null>;
  /**
   * The trustor's open invitation gets a new lifetime and goes out again, unless the trustor
   * already resent `maxPerHour` in the hour before `now` (counted from the audit trail, with
   * the invitation locked, so concurrent presses and restarts cannot exceed it). `count` is
   * this resend's number within that hour.
   */
  resend(
    id: string,
    trustorAccountId: string,
    now: Date,
    expiresAt: Date,
    maxPerHour: number,
    notices: (link: TrustLink) => Notices,
  ): Promise<
    ({ outcome: 'resent'; link: TrustLink; count: number } & Effects) | { outcome: 'not_pending' | 'limited' }
  >;
  /** Invitations waiting for this contact to link the bot, marked delivered with their notices. */
  deliverPending(
    contactAccountId: string,
    now: Date,
    notices: (link: TrustLink) => Notices,
  ): Promise<Effects>;
  /** Active links and open invitations past their time, for the sweeper. */
  expiredInvitations(now: Date): Promise<TrustLink[]>;
  activeLinks(): Promise<TrustLink[]>;
}

/** Recovery requests in the database, each change one transaction as for the links. */
export interface RecoveryStore {
  /**
   * A new pending request, or the pending one already there; none without an active contact
   * or over the daily limit (counted from `dayStart`).
   */
  openRecovery(
    input: RecoveryAsk,
    notices: (request: RecoveryRequest) => Notices,
  ): Promise<
    | ({ outcome: 'created'; request: RecoveryRequest } & Effects)
    | { outcome: 'existing'; request: RecoveryRequest }
    | { outcome: 'no_contact' | 'rate_limited' }
  >;
  findRecovery(id: string): Promise<RecoveryRequest | null>;
  /**
   * pending → `to`, the first final decision only: a decision while unexpired, `expired` only
   * once the time is up, and the contact's (`approved`, `denied`) only while the request's
   * relationship is active. Null when another decision or the relationship's end got there first.
   */
  decideRecovery(
    id: string,
    to: FinalRecoveryStatus,
    at: Date,
    actor: Actor,
    notices: (request: RecoveryRequest) => Notices,
  ): Promise<({ request: RecoveryRequest } & Effects) | null>;
  pendingRecoveries(): Promise<RecoveryRequest[]>;
  /** Decided since `since` and not yet acknowledged by the portal. */
  unacknowledged(since: Date): Promise<RecoveryRequest[]>;
  markCallbackDelivered(id: string, at: Date): Promise<void>;
  /** Notices that change no state (a reminder), each still written once per key. */
  announce(notices: Notice[]): Promise<Effects>;
}

/** Both, as one adapter provides them. */
export interface TrustedContactStore extends TrustLinkStore, RecoveryStore {}
