import type { Logger } from 'pino';
import type { Messenger, MessengerFailure, MessengerResult } from '../../../core/messaging/messenger';
import type { InlineButton } from '../../../core/messaging/outgoing-message';
import { botIdentity } from './bot-identity';
import { MaxApiError, type MaxClient, MaxNetworkError } from './client';
import { messageAlias } from './ids';
import type { MaxMessageStore, MaxStoredMessage } from './message-store';
import { refuseLong, type StoredMessages, storedMessages, TooLong, UnknownMessage } from './stored-messages';
import { attachmentsOf, coreKeyboard, type ImageAttachment, storedImage } from './to-max';
import type { MaxAttachmentRequest } from './types';
import { isNotReady, realSleep, type Sleep, uploadImage } from './upload-image';

export interface MaxMessengerDeps {
  client: MaxClient;
  store: MaxMessageStore;
  /** The bot's MAX user id, if known; otherwise asked once with `GET /me`. */
  botId?: number;
  /** The wait between `attachment.not.ready` retries (real time unless a test says otherwise). */
  sleep?: Sleep;
  logger: Logger;
}

/**
 * MAX failures as the port's. 429 and 403 carry no documented code, so they are read by
 * status (design §6); the `code` stays in the thrown error for the logs to learn from.
 */
export function classify(err: unknown): MessengerFailure | null {
  if (err instanceof TooLong) return { code: 'TOO_LONG' };
  if (err instanceof UnknownMessage) return { code: 'MESSAGE_NOT_FOUND' };
  if (err instanceof MaxNetworkError) return { code: 'UNAVAILABLE', description: err.message };
  if (!(err instanceof MaxApiError)) return null;
  if (err.status === 429) return { code: 'RATE_LIMITED', retryAfterSeconds: 1 };
  if (err.status === 403) return { code: 'BLOCKED_BY_USER' };
  const changing = err.method === 'PUT' || err.method === 'DELETE';
  if (changing && (err.status === 404 || err.code === 'not.found')) return { code: 'MESSAGE_NOT_FOUND' };
  if (isNotReady(err) || err.status >= 500) return { code: 'UNAVAILABLE', description: err.message };
  return null;
}

async function attempt<T>(call: () => Promise<T>): Promise<MessengerResult<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    const failure = classify(err);
    if (failure) return { ok: false, failure };
    throw err;
  }
}

/**
 * The Messenger port on the MAX Bot API, without grammY: a photo is uploaded in two steps and
 * sent by token, and every edit resends the text and all attachments (the stored picture when
 * it stays). Message ids are the aliases of MAX's `mid`s.
 */
export function maxMessenger(deps: MaxMessengerDeps): Messenger {
  const { client } = deps;
  const messages: StoredMessages = storedMessages({
    client,
    store: deps.store,
    botId: botIdentity(client, deps.botId),
    sleep: deps.sleep ?? realSleep,
    logger: deps.logger,
  });
  const withImage = (image: ImageAttachment | null, rows: InlineButton[][] | undefined) =>
    attachmentsOf(image, coreKeyboard(rows));

  async function send(chatId: number, text: string, attachments: () => Promise<MaxAttachmentRequest[]>) {
    refuseLong(text);
    const sent = await messages.send(chatId, text, await attachments());
    return { messageId: messageAlias(sent.body.mid) };
  }

  /** Refused whole if too long, then the stored message (unknown: not found), then the edit. */
  async function edit(
    chatId: number,
    alias: number,
    text: string,
    attachments: (message: MaxStoredMessage) => Promise<MaxAttachmentRequest[]>,
  ): Promise<void> {
    refuseLong(text);
    const message = await messages.find(chatId, alias);
    await messages.replace(message, text, await attachments(message));
  }

  return {
    // MAX has no protect_content: what is sent can be forwarded and saved.
    protectsContent: false,
    sendMessage: (chatId, message) =>
      attempt(() => send(chatId, message.text, async () => coreKeyboard(message.buttons))),
    sendPhoto: (chatId, photo) =>
      attempt(() =>
        send(chatId, photo.caption, async () =>
          withImage(await uploadImage(client, photo.png), photo.buttons),
        ),
      ),
    editPhoto: (chatId, messageId, photo) =>
      attempt(() =>
        edit(chatId, messageId, photo.caption, async () =>
          withImage(await uploadImage(client, photo.png), photo.buttons),
        ),
      ),
    editCaption: (chatId, messageId, caption) =>
      attempt(() =>
        edit(chatId, messageId, caption.text, async (message) =>
          withImage(storedImage(message.attachments), caption.buttons),
        ),
      ),
    editText: (chatId, messageId, message) =>
      attempt(() => edit(chatId, messageId, message.text, async () => coreKeyboard(message.buttons))),
  };
}
