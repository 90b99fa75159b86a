import type { OutgoingMessage } from './outgoing-message';

export interface SentMessage {
  messageId: number;
}

/**
 * Why a messenger call did not happen. These are expected outcomes that steer
 * retries, so they are values, not exceptions.
 */
export type MessengerFailure =
  | { code: 'RATE_LIMITED'; retryAfterSeconds: number }
  | { code: 'BLOCKED_BY_USER' }
  | { code: 'NOT_MODIFIED' }
  | { code: 'MESSAGE_NOT_FOUND' }
  | { code: 'CANT_EDIT' }
  | { code: 'UNAVAILABLE'; description: string };

export type MessengerResult<T> = { ok: true; value: T } | { ok: false; failure: MessengerFailure };

/** The one port that knows a messenger exists. Workers and handlers both send through it. */
export interface Messenger {
  sendMessage(chatId: number, message: OutgoingMessage): Promise<MessengerResult<SentMessage>>;
}
