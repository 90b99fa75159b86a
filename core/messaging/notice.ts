import type { OutgoingMessage } from './outgoing-message';

/**
 * Something the service tells a person, decided by the domain and written to the outbox in the
 * same transaction as the state change that caused it. The adapter finds the chat the account
 * is linked to and puts the text in that person's language.
 */
export interface Notice {
  accountId: string;
  /** One per effect: a notice written twice (a retried job, a double tap) is one message. */
  key: string;
  /** A message key in the locale files. */
  text: string;
  vars?: Record<string, string | number>;
  /** Inline buttons: the text is a message key, the data is checked again when pressed. */
  buttons?: { text: string; data: string }[][];
}

/** A notice in the words of a person whose messenger speaks `languageCode` (the bot's locales). */
export type NoticeRenderer = (notice: Notice, languageCode: string | null) => OutgoingMessage;
