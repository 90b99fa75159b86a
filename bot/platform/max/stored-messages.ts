import type { Logger } from 'pino';
import type { MaxClient } from './client';
import { messageAlias } from './ids';
import type { MaxMessageStore, MaxStoredMessage } from './message-store';
import { editedMessage, newMessage, tooLong } from './to-max';
import type { MaxAttachmentRequest, MaxMessage } from './types';
import { type Sleep, whenImageReady } from './upload-image';

/** A message the store does not have (pruned, or never sent by this bot), or of another chat. */
export class UnknownMessage extends Error {
  constructor(readonly alias: number) {
    super(`message ${alias} is not known to this bot`);
    this.name = 'UnknownMessage';
  }
}

/** A text over MAX's limit: refused before any request, so nothing is sent and nothing is cut. */
export class TooLong extends Error {
  constructor(readonly length: number) {
    super(`a text of ${length} characters is over MAX's limit`);
    this.name = 'TooLong';
  }
}

export function refuseLong(text: string | null | undefined): void {
  if (tooLong(text)) throw new TooLong((text ?? '').length);
}

/**
 * Sending and replacing messages while keeping the store in step, shared by the Messenger
 * port and the grammY transport: `PUT` needs the `mid` back, and since `PUT` replaces the
 * whole message, an edit that changes one part resends the others from the store.
 */
export interface StoredMessages {
  send(chatId: number, text: string | null, attachments: MaxAttachmentRequest[]): Promise<MaxMessage>;
  find(chatId: number, alias: number): Promise<MaxStoredMessage>;
  replace(message: MaxStoredMessage, text: string | null, attachments: MaxAttachmentRequest[]): Promise<void>;
  remove(message: MaxStoredMessage): Promise<void>;
}

export function storedMessages(deps: {
  client: MaxClient;
  store: MaxMessageStore;
  botId: () => Promise<number>;
  sleep: Sleep;
  logger: Logger;
}): StoredMessages {
  const { client, store, botId, sleep } = deps;
  /**
   * MAX has the message by now: a failure to keep our copy must not read as a failed send,
   * or a retry would send it again. Only a later edit of it is lost ("message not found").
   */
  const keep = async (message: MaxStoredMessage) => {
    try {
      await store.remember(await botId(), message);
    } catch (err) {
      // The error names no values: a query's parameters would carry the message's text.
      deps.logger.error(
        { alias: message.alias, reason: (err as Error)?.name },
        'sent on MAX, but not kept for edits',
      );
    }
  };
  return {
    async send(chatId, text, attachments) {
      const body = newMessage(text, attachments);
      const { message } = await whenImageReady(
        () => client.call<{ message: MaxMessage }>('POST', '/messages', { query: { chat_id: chatId }, body }),
        sleep,
      );
      const { mid } = message.body;
      await keep({ alias: messageAlias(mid), mid, chatId, text, attachments });
      return message;
    },
    async find(chatId, alias) {
      const found = await store.byAlias(await botId(), alias);
      if (!found || found.chatId !== chatId) throw new UnknownMessage(alias);
      return found;
    },
    async replace(message, text, attachments) {
      const body = editedMessage(text, attachments);
      await whenImageReady(
        () => client.call('PUT', '/messages', { query: { message_id: message.mid }, body }),
        sleep,
      );
      await keep({ ...message, text, attachments });
    },
    async remove(message) {
      await client.call('DELETE', '/messages', { query: { message_id: message.mid } });
      await store.forget(await botId(), message.alias);
    },
  };
}
