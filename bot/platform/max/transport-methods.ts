import type { Message } from 'grammy/types';
import { messageAlias } from './ids';
import type { StoredMessages } from './stored-messages';
import { refuseLong } from './stored-messages';
import { attachmentsOf, type MaxMiniApp, MaxUnsupported, markupKeyboard, storedImage } from './to-max';
import type { MaxAttachment, MaxMessage } from './types';

export type Payload = Record<string, unknown>;

interface MethodDeps {
  messages: StoredMessages;
  /** The bot's Mini App, which a keyboard that opens it needs. */
  miniApp: MaxMiniApp | undefined;
}

/** One Telegram method answered with MAX requests; the result is what Telegram would return. */
export type Method = (payload: Payload, signal?: AbortSignal) => Promise<unknown>;

/**
 * The payload's fields, refusing any the method does not know how to honour on MAX: an option
 * silently ignored (a parse mode, a reply) would change what a person sees without a word.
 * `dropped` fields are known to have no MAX counterpart and to be safe to leave out.
 */
export function fields(method: string, payload: Payload, known: string[], dropped: string[] = []): Payload {
  const unknown = Object.keys(payload).filter(
    (k) => payload[k] !== undefined && !known.includes(k) && !dropped.includes(k),
  );
  if (unknown.length > 0) throw new MaxUnsupported(`${method} with ${unknown.join(', ')}`);
  return payload;
}

function chatId(value: unknown): number {
  const id = typeof value === 'string' ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isSafeInteger(id))
    throw new MaxUnsupported(`chat_id ${String(value)}`);
  return id;
}

const messageId = (value: unknown): number => {
  if (typeof value !== 'number') throw new MaxUnsupported('an edit without a message_id (inline messages)');
  return value;
};

const CHAT_TYPES = { dialog: 'private', chat: 'group', channel: 'channel' } as const;

/** What Telegram returns for a sent message, with the alias as its id. */
function telegramMessage(sent: MaxMessage, chat: number): Message {
  const text = sent.body.text ?? undefined;
  const image = sent.body.attachments?.find((a) => a.type === 'image') as
    | Extract<MaxAttachment, { type: 'image' }>
    | undefined;
  // Named as a received image is (by its URL), so getFile and the downloader read it alike.
  const url = image?.payload.url;
  const photo = url ? { photo: [{ file_id: url, file_unique_id: url, width: 0, height: 0 }] } : {};
  return {
    message_id: messageAlias(sent.body.mid),
    date: Math.floor(sent.timestamp / 1000),
    chat: { id: chat, type: CHAT_TYPES[sent.recipient.chat_type] },
    ...(image ? { caption: text } : { text }),
    ...photo,
  } as Message;
}

const SEND = ['chat_id', 'text', 'reply_markup'];
const EDIT = ['chat_id', 'message_id', 'reply_markup'];
/** Telegram-only: protection (none on MAX; the port says so), and what ctx.reply fills in. */
const DROPPED = ['protect_content', 'business_connection_id', 'direct_messages_topic_id'];

/** The Telegram methods the service calls, each on MAX. */
export function messageMethods(deps: MethodDeps): Record<string, Method> {
  const { messages } = deps;
  const keyboardOf = (markup: unknown) => markupKeyboard(markup, deps.miniApp);
  const replaceKeeping = async (p: Payload, text: (current: string | null) => string | null) => {
    const message = await messages.find(chatId(p.chat_id), messageId(p.message_id));
    const image = storedImage(message.attachments);
    await messages.replace(message, text(message.text), attachmentsOf(image, keyboardOf(p.reply_markup)));
    return true;
  };
  return {
    async sendMessage(payload) {
      const p = fields('sendMessage', payload, SEND, DROPPED);
      const chat = chatId(p.chat_id);
      refuseLong(p.text as string);
      const keyboard = keyboardOf(p.reply_markup);
      const sent = await messages.send(chat, p.text as string, keyboard);
      return telegramMessage(sent, chat);
    },
    async editMessageText(payload) {
      const p = fields('editMessageText', payload, [...EDIT, 'text']);
      refuseLong(p.text as string);
      const message = await messages.find(chatId(p.chat_id), messageId(p.message_id));
      await messages.replace(message, p.text as string, keyboardOf(p.reply_markup));
      return true;
    },
    editMessageReplyMarkup: (payload) =>
      replaceKeeping(fields('editMessageReplyMarkup', payload, EDIT), (text) => text),
    async deleteMessage(payload) {
      const p = fields('deleteMessage', payload, ['chat_id', 'message_id']);
      await messages.remove(await messages.find(chatId(p.chat_id), messageId(p.message_id)));
      return true;
    },
  };
}
