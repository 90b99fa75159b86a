/** An app session's current QR as a poll answers it, with whose it is. */
export interface CachedAppQr {
  sessionId: string;
  messengerUserId: number;
  token: string;
  refreshAt: Date;
  expiresAt: Date;
}

/**
 * The app's current QRs, kept where every API process reads them cheaply, so that repeated
 * polls before `refreshAt` touch neither the database nor the signing key. An entry is
 * forgotten the moment its session ends; a lost one only costs a database read.
 */
export interface AppQrCache {
  /** Null when nothing is kept, or the session ended: the database answers then. */
  get(sessionId: string): Promise<CachedAppQr | null>;
  /**
   * False when the session's end was recorded first (a `forget` came before this put, within
   * one refresh interval): nothing is kept, and the poll that signed this QR answers "ended".
   * True otherwise, also when the cache is away (then nothing is kept either).
   */
  put(entry: CachedAppQr): Promise<boolean>;
  /** The session ended: its entry goes, and for one refresh interval no put brings it back. */
  forget(sessionId: string): Promise<void>;
}
