import type { InlineButton, OutgoingMessage } from './outgoing-message';

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
  /** Longer than the messenger takes: refused whole rather than cut (permanent, not retried). */
  | { code: 'TOO_LONG' }
  | { code: 'UNAVAILABLE'; description: string };

export type MessengerResult<T> = { ok: true; value: T } | { ok: false; failure: MessengerFailure };

/** A picture with its caption and buttons (a Digital ID screen). */
export interface PhotoMessage {
  png: Buffer;
  caption: string;
  buttons?: InlineButton[][];
  protectContent?: boolean;
}

/** The one port that knows a messenger exists. Workers and handlers both send through it. */
export interface Messenger {
  /**
   * Whether `protectContent` really stops forwarding and saving. Where it does not, a screen
   * must not promise it, and the QR's short life is the protection left.
   */
  readonly protectsContent: boolean;
  sendMessage(chatId: number, message: OutgoingMessage): Promise<MessengerResult<SentMessage>>;
  sendPhoto(chatId: number, photo: PhotoMessage): Promise<MessengerResult<SentMessage>>;
  /** Replaces the picture of a photo message in place, with its caption and buttons. */
  editPhoto(chatId: number, messageId: number, photo: PhotoMessage): Promise<MessengerResult<void>>;
  editCaption(
    chatId: number,
    messageId: number,
    caption: { text: string; buttons?: InlineButton[][] },
  ): Promise<MessengerResult<void>>;
  /** Replaces the text (and buttons) of a text message: a status message kept up to date. */
  editText(chatId: number, messageId: number, message: OutgoingMessage): Promise<MessengerResult<void>>;
}
