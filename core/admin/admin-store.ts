import type { DigitalIdSession } from '../digital-id/session';
import type { Account } from '../identity/account';
import type { StaffRole } from '../identity/roles';
import type { PersonRef } from './person-ref';

/** A messenger user as admins see them. */
export interface MessengerUser {
  id: number;
  /** Their private chat with the bot. */
  chatId: number;
  username: string | null;
  firstName: string;
  blockedAt: Date | null;
  blockReason: string | null;
}

/** Whom an admin's argument names: a messenger user, a registry account, or both when linked. */
export interface Person {
  user: MessengerUser | null;
  account: Account | null;
}

/** The admin acting, and when: every change below is audited as theirs. */
export interface AdminAct {
  adminUserId: number;
  at: Date;
}

/** What blocking a person would end. */
export interface Ties {
  liveSession: boolean;
  relationships: number;
  pendingRecoveries: number;
}

export interface AdminStats {
  linked: number;
  liveSessions: number;
  relationships: number;
  recoveries: Record<string, number>;
  activeKid: number | null;
}

export interface SigningKeyInfo {
  kid: number;
  status: string;
  createdAt: Date;
  retiredAt: Date | null;
}

export type KeyRemoval = 'removed' | 'unknown' | 'not_retired' | 'too_soon';

export interface AuditLine {
  at: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  fromState: string | null;
  toState: string | null;
}

export type ConfirmationPayload = Record<string, string | number>;

/** How long a confirmation button works, unless the proposal says otherwise. */
export const CONFIRMATION_SECONDS = 300;

/**
 * What admins read and change, and what a person's leaving changes. Every change is one transaction that writes its audit row with
 * it: the row exists exactly when the change happened, and a change that fails leaves neither.
 */
export interface AdminStore {
  /** Everyone the reference may mean: none, one, or (a number that is both an id and an account) two. */
  resolve(ref: PersonRef): Promise<Person[]>;
  stats(): Promise<AdminStats>;
  keys(): Promise<SigningKeyInfo[]>;
  liveSessionOf(userId: number): Promise<string | null>;
  ties(userId: number, accountId: string | null): Promise<Ties>;
  auditPage(options: { accountId?: string; offset: number; limit: number }): Promise<AuditLine[]>;
  /** Messenger users whose linked account holds the role. */
  usersWithRole(role: StaffRole): Promise<number[]>;

  /** A destructive action waiting for its confirmation, for `ttlSeconds` [CONFIRMATION_SECONDS]. */
  propose(
    adminUserId: number,
    action: string,
    payload: ConfirmationPayload,
    at: Date,
    ttlSeconds?: number,
  ): Promise<string>;
  /**
   * The confirmation, used up: only by the admin who asked, once, before it expires, and only
   * through a button that carries out one of `actions` (another button leaves it unused).
   */
  confirm(
    id: string,
    adminUserId: number,
    at: Date,
    actions: readonly string[],
  ): Promise<{ action: string; payload: ConfirmationPayload } | null>;

  /** A look-up is audited too: who read what about whom. */
  lookUp(person: Person, act: AdminAct): Promise<{ roles: string[]; liveSession: string | null }>;
  /** False when it was already so (and nothing is written). */
  setBlocked(
    who: { userId: number; accountId: string | null },
    block: { reason: string } | null,
    act: AdminAct,
  ): Promise<boolean>;
  setRole(accountId: string, role: StaffRole, granted: boolean, act: AdminAct): Promise<boolean>;
  revokeSession(sessionId: string, reason: string, act: AdminAct): Promise<DigitalIdSession | null>;
  rotateKey(act: AdminAct): Promise<{ retired: number | null; active: number }>;
  removeKey(kid: number, retiredBefore: Date, act: AdminAct): Promise<KeyRemoval>;

  /**
   * The messenger user unlinks, in one transaction: the link goes, audited as the account's own
   * act; their live Digital ID ends as `revoked` for `sessionEndReason`; and what the service kept
   * of them is erased (the session just ended with it). The erasure is not audited: the unlink's
   * row stands for it, and an erasure's record would name what it erased. Returns the ended
   * session, for its chat message to show it; null when nothing was linked.
   */
  unlink(
    messengerUserId: number,
    at: Date,
    sessionEndReason: string,
  ): Promise<{ accountId: string; ended: DigitalIdSession | null } | null>;
}
