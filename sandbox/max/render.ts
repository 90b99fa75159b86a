import { createHash } from 'node:crypto';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Chat, ChatEntry, Person, World } from '../world';
import type { MaxButtonRequest } from './context';
import { maxBadRequest } from './errors';
import { maxChatId, mid } from './ids';
import type { MaxAttachment, MaxButton, MaxMessage, MaxUser } from './types';

/**
 * The world keeps Telegram-shaped keyboards; MAX's contact button and its message button (which
 * sends its text as the person's message, as a Telegram reply-keyboard button does) ride in
 * them under these flags. An `open_app` button is Telegram's `web_app` button with the bot's
 * Mini App URL, its payload kept as the `start_param` the app will be launched with.
 */
export type WorldButton =
  | InlineKeyboardButton
  | { text: string; request_contact: true }
  | { text: string; send_text: true }
  | { text: string; web_app: { url: string }; start_param?: string };

export function maxUser(person: Person): MaxUser {
  return {
    user_id: person.id,
    first_name: person.firstName,
    last_name: person.lastName ?? null,
    username: person.username ?? null,
    is_bot: false,
    last_activity_time: Date.now(),
  };
}

export function botUser(world: World): MaxUser {
  return {
    user_id: world.bot.id,
    first_name: world.bot.first_name,
    last_name: null,
    username: world.bot.username ?? null,
    is_bot: true,
    last_activity_time: Date.now(),
  };
}

/** The MAX `Message` a bot receives or gets back for an entry; `origin` is where images are served. */
export function toMax(world: World, chat: Chat, entry: ChatEntry, origin: string): MaxMessage {
  const sender = chat.kind === 'private' ? chat.person : world.person(entry.senderId ?? 0);
  const fromBot = entry.from === 'bot' || !sender;
  const attachments = [
    ...(entry.photo ? [imageAttachment(entry.photo.fileId, origin)] : []),
    ...(entry.contact ? [contactAttachment(world, entry.contact)] : []),
    ...(entry.inlineKeyboard
      ? [
          {
            type: 'inline_keyboard' as const,
            payload: { buttons: toMaxButtons(world, entry.inlineKeyboard) },
          },
        ]
      : []),
  ];
  return {
    sender: fromBot ? botUser(world) : maxUser(sender),
    recipient:
      chat.kind === 'private'
        ? { chat_id: maxChatId(chat), chat_type: 'dialog', user_id: fromBot ? chat.person.id : world.bot.id }
        : { chat_id: maxChatId(chat), chat_type: 'chat', user_id: null },
    timestamp: entry.timeline[0]?.at ?? entry.date * 1000,
    body: {
      mid: mid(chat, entry.messageId),
      seq: entry.messageId,
      text: (entry.photo ? entry.caption : entry.text) ?? null,
      attachments: attachments.length > 0 ? attachments : null,
    },
  };
}

/** A received image: `token` names the file for a resend, `url` is the sandbox's files route. */
function imageAttachment(fileId: string, origin: string): MaxAttachment {
  const photoId = Number.parseInt(createHash('sha256').update(fileId).digest('hex').slice(0, 12), 16);
  return {
    type: 'image',
    payload: { photo_id: photoId, token: fileId, url: `${origin}/sandbox/api/files/${fileId}` },
  };
}

function contactAttachment(world: World, contact: NonNullable<ChatEntry['contact']>): MaxAttachment {
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  const vcf = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${name}`,
    `TEL;TYPE=cell:${contact.phoneNumber}`,
    'END:VCARD',
  ];
  const person = contact.userId === undefined ? undefined : world.person(contact.userId);
  return {
    type: 'contact',
    payload: { vcf_info: vcf.join('\r\n'), hash: null, max_info: person ? maxUser(person) : null },
  };
}

function toMaxButtons(world: World, rows: WorldButton[][]): MaxButton[][] {
  return rows.map((row) =>
    row.map((b): MaxButton => {
      if ('request_contact' in b && b.request_contact) return { type: 'request_contact', text: b.text };
      if ('send_text' in b && b.send_text) return { type: 'message', text: b.text };
      if ('url' in b && b.url) return { type: 'link', text: b.text, url: b.url };
      if ('web_app' in b && b.web_app) {
        const payload = 'start_param' in b ? b.start_param : undefined;
        return {
          type: 'open_app',
          text: b.text,
          web_app: world.bot.username ?? '',
          ...(payload ? { payload } : {}),
        };
      }
      return { type: 'callback', text: b.text, payload: 'callback_data' in b ? (b.callback_data ?? '') : '' };
    }),
  );
}

/** The bot's Mini App as its `open_app` buttons name and open it. */
export interface MiniAppTarget {
  botName: string;
  /** Empty while the sandbox does not know the URL: the button is kept, pressing it says why. */
  url: string;
}

export function fromMaxButtons(rows: MaxButtonRequest[][], app: MiniAppTarget): InlineKeyboardButton[][] {
  return rows.map((row) =>
    row.map((b) => {
      if (b.type === 'link') return { text: b.text, url: b.url };
      if (b.type === 'callback') return { text: b.text, callback_data: b.payload };
      if (b.type === 'open_app') return openApp(b, app) as unknown as InlineKeyboardButton;
      const flagged: WorldButton =
        b.type === 'message' ? { text: b.text, send_text: true } : { text: b.text, request_contact: true };
      return flagged as unknown as InlineKeyboardButton;
    }),
  );
}

/** MAX opens the Mini App of the bot the button names; this sandbox hosts one bot only. */
function openApp(b: Extract<MaxButtonRequest, { type: 'open_app' }>, app: MiniAppTarget): WorldButton {
  if (b.web_app !== app.botName) throw maxBadRequest(`web_app: no bot @${b.web_app} with a mini app`);
  return { text: b.text, web_app: { url: app.url }, ...(b.payload ? { start_param: b.payload } : {}) };
}
