import { type Api, GrammyError, HttpError, InlineKeyboard, InputFile } from 'grammy';
import type { Messenger, MessengerFailure, MessengerResult } from '../../core/messaging/messenger';
import type { OutgoingMessage } from '../../core/messaging/outgoing-message';

/**
 * The Messenger port over the Telegram Bot API. The one place that knows Telegram's error
 * texts: the MAX adapter will be a second implementation of the same port.
 */
export function telegramMessenger(api: Api): Messenger {
  return {
    protectsContent: true,
    async sendMessage(chatId, message) {
      return attempt(async () => {
        const sent = await api.sendMessage(chatId, message.text, {
          ...(message.buttons ? { reply_markup: keyboard(message.buttons) } : {}),
          ...(message.protectContent ? { protect_content: true } : {}),
        });
        return { messageId: sent.message_id };
      });
    },
    async sendPhoto(chatId, photo) {
      return attempt(async () => {
        // A Buffer, not a stream: grammY can send it again if the call is retried.
        const sent = await api.sendPhoto(chatId, new InputFile(photo.png, 'digital-id.png'), {
          caption: photo.caption,
          ...(photo.buttons ? { reply_markup: keyboard(photo.buttons) } : {}),
          ...(photo.protectContent ? { protect_content: true } : {}),
        });
        return { messageId: sent.message_id };
      });
    },
    async editPhoto(chatId, messageId, photo) {
      return attempt(async () => {
        await api.editMessageMedia(
          chatId,
          messageId,
          { type: 'photo', media: new InputFile(photo.png, 'digital-id.png'), caption: photo.caption },
          photo.buttons ? { reply_markup: keyboard(photo.buttons) } : {},
        );
      });
    },
    async editCaption(chatId, messageId, caption) {
      return attempt(async () => {
        await api.editMessageCaption(chatId, messageId, {
          caption: caption.text,
          ...(caption.buttons ? { reply_markup: keyboard(caption.buttons) } : {}),
        });
      });
    },
    async editText(chatId, messageId, message) {
      return attempt(async () => {
        await api.editMessageText(chatId, messageId, message.text, {
          reply_markup: keyboard(message.buttons ?? []),
        });
      });
    },
  };
}

function keyboard(rows: NonNullable<OutgoingMessage['buttons']>): InlineKeyboard {
  return InlineKeyboard.from(
    rows.map((row) =>
      row.map((b) =>
        'url' in b ? InlineKeyboard.url(b.text, b.url) : InlineKeyboard.text(b.text, b.callbackData),
      ),
    ),
  );
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

export function classify(err: unknown): MessengerFailure | null {
  if (err instanceof HttpError) return { code: 'UNAVAILABLE', description: err.message };
  if (!(err instanceof GrammyError)) return null;
  const description = err.description;
  if (err.error_code === 429)
    return { code: 'RATE_LIMITED', retryAfterSeconds: err.parameters.retry_after ?? 1 };
  if (err.error_code === 403 && /blocked by the user|user is deactivated/.test(description)) {
    return { code: 'BLOCKED_BY_USER' };
  }
  if (description.includes('message is not modified')) return { code: 'NOT_MODIFIED' };
  if (/message to edit not found|message to delete not found/.test(description))
    return { code: 'MESSAGE_NOT_FOUND' };
  if (description.includes("message can't be edited")) return { code: 'CANT_EDIT' };
  if (/message is too long|caption is too long/.test(description)) return { code: 'TOO_LONG' };
  if (err.error_code >= 500) return { code: 'UNAVAILABLE', description };
  return null;
}
