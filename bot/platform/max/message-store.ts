import type { MaxAttachmentRequest } from './types';

/**
 * What the adapter keeps about a message it sent. MAX names messages by string `mid`s, while
 * grammY, the Messenger port and the service's tables hold numbers: each message is known by a
 * 53-bit alias of its `mid` (`messageAlias`). MAX edits replace the whole message, so the text
 * and attachments are kept to resend what an edit does not change.
 */
export interface MaxStoredMessage {
  alias: number;
  mid: string;
  chatId: number;
  text: string | null;
  attachments: MaxAttachmentRequest[];
}

/** Implemented over PostgreSQL in `db/repositories/max-message.repository.ts`. */
export interface MaxMessageStore {
  /** Inserts or replaces the message under its alias. */
  remember(botId: number, message: MaxStoredMessage): Promise<void>;
  byAlias(botId: number, alias: number): Promise<MaxStoredMessage | null>;
  forget(botId: number, alias: number): Promise<void>;
}

/** Where long polling resumes: the last marker whose batch the inbox has stored. */
export interface MarkerCursor {
  load(botId: number): Promise<string | null>;
  save(botId: number, marker: string): Promise<void>;
}
