/**
 * The refresh chain's steps, as the bot (opening a screen, "refresh now") and the refresh worker
 * ask for them; the queue adapter in workers/qr-refresh implements it.
 */
export interface RefreshScheduler {
  /** The session's step `seq`, due at `at`; a step already scheduled stays as it is. */
  schedule(sessionId: string, seq: number, at: Date): Promise<void>;
  /** Each chain's next step, due now (after Redis lost its jobs). */
  resume(chains: { sessionId: string; nextSeq: number }[]): Promise<void>;
  /**
   * "Refresh now": step `seq` runs at once, unless the chat's QR was edited (or a press granted)
   * within the QR window: then false, and nothing is queued.
   */
  runNow(sessionId: string, seq: number, chatId: number): Promise<boolean>;
  /**
   * A worker turns an ended chat session's message into the ended screen, trying again while the
   * messenger is busy: for a session the app superseded (the API never talks to the messenger),
   * and for an ended screen that could not be shown at once (`afterSeq`: after which refresh).
   */
  showEnded(sessionId: string, afterSeq?: number): Promise<void>;
}
