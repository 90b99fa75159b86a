import type { Account } from '../identity/account';
import type { Scenario } from './scenarios';

export type SessionStatus = 'live' | 'stopped' | 'superseded' | 'expired' | 'revoked';

/** Where the QR is shown: a chat's photo message, or the Mini App's page. */
export type SessionChannel = 'chat' | 'app';

export interface DigitalIdSession {
  id: string;
  sid: Uint8Array;
  messengerUserId: number;
  chatId: number;
  accountId: string;
  scenario: Scenario;
  locale: string;
  messageId: number | null;
  /**
   * A chat session's highest seq handed out. An app session's seq is not stored: it is the
   * refresh window a poll falls in (core/digital-id/app-sessions.ts), and this stays 0.
   */
  seq: number;
  status: SessionStatus;
  /**
   * The refresh interval the session opened with, and keeps: a new QR_REFRESH_SECONDS applies to
   * sessions opened after it, so an app session's windows are never renumbered under its page.
   */
  refreshSeconds: number;
  /** The token lifetime it opened with, kept with the interval it must outlive. */
  tokenTtlSeconds: number;
  startedAt: Date;
  endsAt: Date;
  channel: SessionChannel;
}

/** A new session as it is stored; a chat one unless it says otherwise. */
export type NewSession = Omit<DigitalIdSession, 'seq' | 'status' | 'messageId' | 'channel'> &
  Partial<Pick<DigitalIdSession, 'channel'>>;

/** Sessions in the database; every state change is one conditional write. */
export interface SessionStore {
  /**
   * Inserts a live session, ending the person's previous live one in the same transaction;
   * null when the session's account is no longer linked to the person by then.
   */
  openSuperseding(session: NewSession): Promise<{ superseded: DigitalIdSession | null } | null>;
  find(id: string): Promise<DigitalIdSession | null>;
  /**
   * The session with the account linked to its person now (null when none is), in one read:
   * what an app poll needs to decide whether it may sign the next token.
   */
  findWithHolder(id: string): Promise<{ session: DigitalIdSession; holder: Account | null } | null>;
  findBySid(sid: Uint8Array): Promise<DigitalIdSession | null>;
  attachMessage(id: string, messageId: number): Promise<void>;
  /** Live sessions whose message has been sent, i.e. whose QR should be refreshing. */
  showing(): Promise<DigitalIdSession[]>;
  /** seq `from` → `from + 1` if the session is still live and still at `from`. */
  claimSeq(id: string, from: number): Promise<boolean>;
  /**
   * Ends, as expired, the app sessions still live past their end: nobody polled them since, and
   * no refresh chain ends them as it does a chat's. How many.
   */
  expireAppSessions(now: Date): Promise<number>;
  /** Gives a claimed seq back when its QR could not be shown (a 429): it was never seen. */
  releaseSeq(id: string, claimed: number): Promise<void>;
  /** Ends the session if it is live; false if it had already ended. */
  end(
    id: string,
    status: Exclude<SessionStatus, 'live'>,
    reason: string,
    at: Date,
  ): Promise<DigitalIdSession | null>;
}
