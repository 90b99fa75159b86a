/**
 * What the service says to a person, independent of any messenger's wire format.
 * The Messenger port turns it into Telegram (or, later, MAX) calls.
 */
export type InlineButton = { text: string; callbackData: string } | { text: string; url: string };

export interface OutgoingMessage {
  text: string;
  /** Rows of inline buttons under the message. */
  buttons?: InlineButton[][];
  /** Forbid forwarding and saving (Digital ID, codes). */
  protectContent?: boolean;
}
