/** Who an informational broadcast goes to: every linked person, or those without a trusted contact. */
export type BroadcastAudience = 'all' | 'no_contact';
export type BroadcastStatus = 'running' | 'cancelled' | 'done';

export interface Broadcast {
  id: string;
  adminUserId: number;
  adminChatId: number;
  /** The admin's message that shows the counts as it goes. */
  statusMessageId: number | null;
  text: string;
  audience: BroadcastAudience;
  status: BroadcastStatus;
  /** Recipients written to the outbox so far; equals `total` once expansion is done. */
  queued: number;
  total: number | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** How far a broadcast has got, counted from its outbox rows. */
export interface BroadcastProgress {
  sent: number;
  failed: number;
  cancelled: number;
  left: number;
}

/**
 * Broadcasts in the database: the admin's feature starts and stops them, the worker expands
 * them into outbox rows in batches and reports progress. Starting and stopping are audited as
 * the admin's in their own transaction.
 */
export interface BroadcastStore {
  create(input: {
    adminUserId: number;
    adminChatId: number;
    text: string;
    audience: BroadcastAudience;
    at: Date;
  }): Promise<Broadcast>;
  find(id: string): Promise<Broadcast | null>;
  setStatusMessage(id: string, messageId: number): Promise<void>;
  /** Linked people who can be reached, by audience. */
  audienceSize(audience: BroadcastAudience): Promise<number>;
  /** The next `limit` recipients written to the outbox; their row ids. */
  writeNextBatch(broadcast: Broadcast, limit: number): Promise<string[]>;
  markAllQueued(id: string): Promise<void>;
  progress(id: string): Promise<BroadcastProgress>;
  /** An admin stops a running broadcast: messages not yet sent will not be. False if it had ended. */
  cancel(id: string, at: Date, adminUserId: number): Promise<boolean>;
  finish(id: string, at: Date): Promise<boolean>;
}
