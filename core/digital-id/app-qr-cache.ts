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
  get(sessionId: string): Promise<CachedAppQr | null>;
  put(entry: CachedAppQr): Promise<void>;
  forget(sessionId: string): Promise<void>;
}
