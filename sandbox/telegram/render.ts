import type { Contact, Message, PhotoSize, Update, User } from 'grammy/types';
import type { FileStore } from '../files';
import type { Chat, ChatEntry, Person, World } from '../world';

/** The Telegram `Message` a bot receives or gets back for an entry. */
function toTelegram(
  world: World,
  chat: Chat,
  entry: ChatEntry,
  photo?: PhotoSize[],
): Message & Update.NonChannel {
  const sender = chat.kind === 'private' ? chat.person : world.person(entry.senderId ?? 0);
  const from = entry.from === 'bot' || !sender ? world.bot : personUser(sender);
  const contact: Contact | undefined = entry.contact && {
    phone_number: entry.contact.phoneNumber,
    first_name: entry.contact.firstName,
    ...(entry.contact.lastName ? { last_name: entry.contact.lastName } : {}),
    ...(entry.contact.userId ? { user_id: entry.contact.userId } : {}),
  };
  const message = {
    message_id: entry.messageId,
    from,
    chat: telegramChat(chat),
    date: entry.date,
    ...(entry.editDate ? { edit_date: entry.editDate } : {}),
    ...(entry.text !== undefined ? { text: entry.text, ...commandEntities(entry.text) } : {}),
    ...(photo ? { photo } : {}),
    ...(entry.caption !== undefined ? { caption: entry.caption } : {}),
    ...(contact ? { contact } : {}),
    ...(entry.inlineKeyboard ? { reply_markup: { inline_keyboard: entry.inlineKeyboard } } : {}),
    ...(entry.protectContent ? { has_protected_content: true as const } : {}),
  };
  return message as Message & Update.NonChannel;
}

/** `toTelegram` with the photo sizes the entry's photo has. */
export function entryToTelegram(world: World, files: FileStore, chat: Chat, entry: ChatEntry) {
  return toTelegram(
    world,
    chat,
    entry,
    entry.photo ? files.photoSizes(files.get(entry.photo.fileId)) : undefined,
  );
}

/** The `chat` object of a message, as Telegram describes each kind. */
export function telegramChat(chat: Chat) {
  if (chat.kind === 'group') return { id: chat.id, type: chat.group.type, title: chat.group.title };
  const { person } = chat;
  return {
    id: person.id,
    type: 'private' as const,
    first_name: person.firstName,
    ...(person.lastName ? { last_name: person.lastName } : {}),
    ...(person.username ? { username: person.username } : {}),
  };
}

export function personUser(person: Person): User {
  return {
    id: person.id,
    is_bot: false,
    first_name: person.firstName,
    ...(person.lastName ? { last_name: person.lastName } : {}),
    ...(person.username ? { username: person.username } : {}),
    language_code: person.languageCode,
  };
}

/** Telegram clients mark a leading /command, which is how bots recognise commands. */
function commandEntities(text: string) {
  const match = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?/.exec(text);
  return match ? { entities: [{ type: 'bot_command' as const, offset: 0, length: match[0].length }] } : {};
}
