import type { Chat, Contact, Message, MessageEntity, PhotoSize, Update, User } from 'grammy/types';
import { z } from 'zod';
import { fileAlias, messageAlias } from './ids';
import type { MaxAnyUpdate, MaxAttachment, MaxMessage, MaxUpdate, MaxUser } from './types';
import { updateId } from './update-id';

/**
 * A MAX update as the Telegram update the bot's handlers already understand
 * (docs/max-adapter-design.md §5): `bot_started` is `/start`, a message is a message, a press is
 * a callback query, and `bot_stopped` is the person blocking the bot. Anything else, or an update
 * missing what identifies it, is null: the caller logs its type and acknowledges it.
 * `botId` is the bot's own MAX user id, named as the member a block removes.
 */
export function toTelegramUpdate(update: MaxAnyUpdate, botId: number): Update | null {
  if (!isReadable(update)) return null;
  const update_id = updateId(update);
  switch (update.update_type) {
    case 'bot_started': {
      const text = update.payload ? `/start ${update.payload}` : '/start';
      const message = {
        message_id: update_id,
        date: seconds(update.timestamp),
        chat: privateChat(update.chat_id, update.user),
        from: telegramUser(update.user, update.user_locale),
        text,
        entities: commandEntities(text),
      } as Message.TextMessage & Update.NonChannel;
      return { update_id, message };
    }
    case 'message_created': {
      const { message } = update;
      const converted = toTelegramMessage(message, message.sender ?? undefined, update.user_locale);
      return converted ? { update_id, message: converted } : null;
    }
    case 'message_callback': {
      const { callback, message } = update;
      const converted = message ? toTelegramMessage(message, callback.user) : null;
      return {
        update_id,
        callback_query: {
          id: callback.callback_id,
          from: telegramUser(callback.user, update.user_locale),
          chat_instance: String(message?.recipient?.chat_id ?? callback.user.user_id),
          ...(typeof callback.payload === 'string' ? { data: callback.payload } : {}),
          ...(converted ? { message: converted } : {}),
        },
      };
    }
    case 'bot_stopped': {
      const bot: User = { id: botId, is_bot: true, first_name: '' };
      return {
        update_id,
        my_chat_member: {
          chat: privateChat(update.chat_id, update.user),
          from: telegramUser(update.user, undefined),
          date: seconds(update.timestamp),
          old_chat_member: { status: 'member', user: bot },
          new_chat_member: { status: 'kicked', user: bot, until_date: 0 },
        },
      };
    }
  }
}

/**
 * A MAX message as a Telegram message. `person` is the human in a dialog (the sender of their
 * own message, the presser of the bot's): a private chat is named after them. Null for a
 * channel, or a message without a chat to answer in.
 */
export function toTelegramMessage(
  message: MaxMessage,
  person: MaxUser | undefined,
  locale?: string | null,
): (Message & Update.NonChannel) | null {
  const chat = chatOf(message, person);
  const mid = message.body?.mid;
  if (!chat || typeof mid !== 'string') return null;
  const sender = message.sender;
  const attachments = Array.isArray(message.body.attachments) ? message.body.attachments : [];
  const photo = photoOf(attachments);
  const contact = contactOf(attachments);
  const text = typeof message.body.text === 'string' ? message.body.text : undefined;
  return {
    message_id: messageAlias(mid),
    date: seconds(message.timestamp),
    chat,
    ...(sender ? { from: telegramUser(sender, sender.is_bot ? undefined : locale) } : {}),
    ...(photo
      ? { photo, ...(text ? { caption: text } : {}) }
      : text
        ? { text, entities: commandEntities(text) }
        : {}),
    ...(contact ? { contact } : {}),
  } as Message & Update.NonChannel;
}

/** A vCard's phone number as Telegram gives it: digits, with `+` if the card had one. */
export function vcardPhone(vcf: string | null | undefined): string | null {
  if (!vcf) return null;
  // Folded lines continue with a space or tab (RFC 6350 §3.2).
  const lines = vcf.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const numbers = lines.flatMap((line) => {
    const match = /^(?:[\w-]+\.)?TEL((?:;[^:]*)?):(.*)$/i.exec(line.trim());
    return match ? [{ params: match[1] ?? '', value: match[2] ?? '' }] : [];
  });
  // A card with several numbers: the mobile one is the one a phone can be shared from.
  const chosen = numbers.find((n) => /cell|mobile/i.test(n.params)) ?? numbers[0];
  const value = chosen?.value.trim().replace(/^tel:/i, '').split(';')[0] ?? '';
  const digits = value.replace(/\D/g, '');
  if (!digits) return null;
  return value.startsWith('+') ? `+${digits}` : digits;
}

const user = z.looseObject({ user_id: z.number() });
const started = { timestamp: z.number(), chat_id: z.number(), user };
/** What identifies each update the service handles; the rest is read field by field. */
const readable = z.discriminatedUnion('update_type', [
  z.looseObject({ update_type: z.literal('bot_started'), ...started }),
  z.looseObject({ update_type: z.literal('bot_stopped'), ...started }),
  z.looseObject({
    update_type: z.literal('message_created'),
    timestamp: z.number(),
    message: z.looseObject({ body: z.looseObject({ mid: z.string() }) }),
  }),
  z.looseObject({
    update_type: z.literal('message_callback'),
    timestamp: z.number(),
    callback: z.looseObject({ callback_id: z.string(), timestamp: z.number(), user }),
  }),
]);

/** Whether an update is of a type the service handles and has what identifies it. */
const isReadable = (update: MaxAnyUpdate): update is MaxUpdate => readable.safeParse(update).success;

const isUser = (user: unknown): user is MaxUser => typeof (user as MaxUser | undefined)?.user_id === 'number';

const seconds = (ms: number) => Math.floor(ms / 1000);

function telegramUser(user: MaxUser, locale: string | null | undefined): User {
  return {
    id: user.user_id,
    is_bot: user.is_bot === true,
    first_name: user.first_name ?? '',
    ...(user.last_name ? { last_name: user.last_name } : {}),
    ...(user.username ? { username: user.username } : {}),
    ...(locale ? { language_code: locale } : {}),
  };
}

function privateChat(chatId: number, person: MaxUser | undefined): Chat.PrivateChat {
  return {
    id: chatId,
    type: 'private',
    first_name: person?.first_name ?? '',
    ...(person?.last_name ? { last_name: person.last_name } : {}),
    ...(person?.username ? { username: person.username } : {}),
  };
}

function chatOf(message: MaxMessage, person: MaxUser | undefined): Chat.PrivateChat | Chat.GroupChat | null {
  const chatId = message.recipient?.chat_id;
  if (typeof chatId !== 'number') return null;
  if (message.recipient.chat_type === 'dialog') return privateChat(chatId, person);
  if (message.recipient.chat_type === 'chat') return { id: chatId, type: 'group', title: '' };
  return null;
}

/** A text starting with a command gets the entity `bot.command` matches on. */
function commandEntities(text: string): MessageEntity[] | undefined {
  const command = /^\/\S+/.exec(text);
  return command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : undefined;
}

/**
 * The first image, as a one-size Telegram photo. Its URL is the file id: `getFile` answers it
 * back and the MAX downloader fetches it. MAX gives no dimensions.
 */
function photoOf(attachments: MaxAttachment[]): PhotoSize[] | null {
  for (const a of attachments) {
    const payload = a?.payload as { url?: unknown; photo_id?: unknown } | undefined;
    if (a?.type !== 'image' || typeof payload?.url !== 'string') continue;
    const unique = typeof payload.photo_id === 'number' ? payload.photo_id : fileAlias(payload.url);
    return [{ file_id: payload.url, file_unique_id: String(unique), width: 0, height: 0 }];
  }
  return null;
}

/**
 * A shared contact. Without a number there is no contact at all, so a form waiting for one
 * asks again. `user_id` is whose MAX account the card is (features compare it with the sender);
 * MAX's `hash` is not relied on.
 */
function contactOf(attachments: MaxAttachment[]): Contact | null {
  for (const a of attachments) {
    if (a?.type !== 'contact') continue;
    const payload = a.payload as { vcf_info?: string | null; max_info?: MaxUser | null } | undefined;
    const phone = vcardPhone(payload?.vcf_info);
    if (!phone) return null;
    const owner = isUser(payload?.max_info) ? payload.max_info : null;
    return {
      phone_number: phone,
      first_name: owner?.first_name ?? '',
      ...(owner?.last_name ? { last_name: owner.last_name } : {}),
      ...(owner ? { user_id: owner.user_id } : {}),
    };
  }
  return null;
}
