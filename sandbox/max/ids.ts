import type { Chat, World } from '../world';
import { maxNotFound } from './errors';

/**
 * A dialog's chat_id is its own number, not its person's user_id (MAX never promises they
 * are equal), so a bot that mixes them up fails here as it would on MAX.
 */
export const DIALOG_OFFSET = 10_000_000_000_000;

export function maxChatId(chat: Chat): number {
  return chat.kind === 'private' ? chat.person.id + DIALOG_OFFSET : chat.id;
}

/** The world's chat for a MAX chat_id: a dialog's or a group's. */
export function chatByMaxId(world: World, chatId: number): Chat | undefined {
  // Person ids stay below the offset (people-api), so no user_id reads as someone's dialog.
  if (chatId > DIALOG_OFFSET && chatId - DIALOG_OFFSET < DIALOG_OFFSET) {
    const person = world.person(chatId - DIALOG_OFFSET);
    return person && world.chatOf(person.id);
  }
  return world.groupChat(chatId);
}

/** Message ids are strings on MAX: the world chat's id and the entry's, in hex, read back on edits. */
export function mid(chat: Chat, messageId: number): string {
  return `mid.${hex16(chat.id)}${hex16(messageId)}`;
}

export function parseMid(world: World, value: string): { chat: Chat; messageId: number } {
  const match = /^mid\.([0-9a-f]{16})([0-9a-f]{16})$/.exec(value);
  const chatId = match && Number(BigInt.asIntN(64, BigInt(`0x${match[1]}`)));
  const chat =
    chatId === null
      ? undefined
      : chatId > 0
        ? world.person(chatId) && world.chatOf(chatId)
        : world.groupChat(chatId);
  const messageId = match ? Number(BigInt(`0x${match[2]}`)) : 0;
  if (!chat?.messages.has(messageId)) throw maxNotFound(`Message ${value} not found`);
  return { chat, messageId };
}

function hex16(n: number): string {
  return BigInt.asUintN(64, BigInt(n)).toString(16).padStart(16, '0');
}
