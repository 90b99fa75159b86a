import type { Scenario } from './scenarios';

export type SessionStatus = 'live' | 'stopped' | 'superseded' | 'expired' | 'revoked';

export interface DigitalIdSession {
  id: string;
  sid: Uint8Array;
  messengerUserId: number;
  chatId: number;
  accountId: string;
  scenario: Scenario;
  locale: string;
  messageId: number | null;
  seq: number;
  status: SessionStatus;
  startedAt: Date;
  endsAt: Date;
}

/** Sessions in the database; every state change is one conditional write. */
export interface SessionStore {
  /**
   * Inserts a live session, ending the person's previous live one in the same transaction;
   * null when the session's account is no longer linked to the person by then.
   */
  openSuperseding(
    session: Omit<DigitalIdSession, 'seq' | 'status' | 'messageId'>,
  ): Promise<{ superseded: DigitalIdSession | null } | null>;
  find(id: string): Promise<DigitalIdSession | null>;
  findBySid(sid: Uint8Array): Promise<DigitalIdSession | null>;
  attachMessage(id: string, messageId: number): Promise<void>;
  /** Live sessions whose message has been sent, i.e. whose QR should be refreshing. */
  showing(): Promise<DigitalIdSession[]>;
  /** seq `from` → `from + 1` if the session is still live and still at `from`. */
  claimSeq(id: string, from: number): Promise<boolean>;
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
