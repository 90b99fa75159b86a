import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  ForceReply,
  InlineKeyboardMarkup,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  User,
} from 'grammy/types';
import { badRequest, forbidden, TelegramError } from './telegram/telegram-error';
import { EVENT } from './web/event-names.js';

export interface Person {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode: string;
  /** The number this person would share with "share my contact", as +7XXXXXXXXXX. */
  phone?: string;
  blockedBot: boolean;
}

/** A group chat the bot is a member of, as Telegram's `group` or `supergroup`. */
export interface Group {
  id: number;
  type: 'group' | 'supergroup';
  title: string;
  /** The people in it besides the bot. */
  members: number[];
}

/** One message in a chat, in the sandbox's own terms (what the web page shows). */
export interface ChatEntry {
  messageId: number;
  from: 'bot' | 'person';
  /** Who wrote it, in a group (in a private chat it is the chat's person). */
  senderId?: number;
  date: number;
  text?: string;
  caption?: string;
  photo?: { fileId: string; width: number; height: number };
  contact?: { phoneNumber: string; firstName: string; lastName?: string; userId?: number };
  inlineKeyboard?: InlineKeyboardMarkup['inline_keyboard'];
  protectContent: boolean;
  editDate?: number;
  /** How many times the bot edited it: a refreshed QR is the same message with a higher count. */
  edits: number;
  /**
   * When it was sent, then each edit, in ms since the epoch, with the photo each showed: Telegram's
   * dates are whole seconds, too coarse to check a pace; the sandbox keeps the record.
   */
  timeline: { at: number; fileId?: string }[];
}

type Stamped = 'messageId' | 'date' | 'edits' | 'timeline';

const stamp = (entry: Pick<ChatEntry, 'photo'>) => ({
  at: Date.now(),
  ...(entry.photo ? { fileId: entry.photo.fileId } : {}),
});

export interface CallbackAnswer {
  callbackQueryId: string;
  messageId: number;
  data: string;
  answered: boolean;
  text?: string;
  showAlert?: boolean;
}

export interface SmsMessage {
  id: number;
  to: string;
  text: string;
  receivedAt: string;
}

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

/** What the page's event stream carries; each kind's name comes from web/event-names.js. */
export type WorldEvent =
  | { type: typeof EVENT.person; person: Person }
  | { type: typeof EVENT.message; chatId: number; entry: ChatEntry }
  | { type: typeof EVENT.edit; chatId: number; entry: ChatEntry }
  | { type: typeof EVENT.delete; chatId: number; messageId: number }
  | { type: typeof EVENT.keyboard; chatId: number; keyboard: ReplyKeyboardMarkup | null }
  | { type: typeof EVENT.callbackAnswer; chatId: number; answer: CallbackAnswer }
  | { type: typeof EVENT.sms; sms: SmsMessage }
  | { type: typeof EVENT.portal };

interface ChatBase {
  id: number;
  nextMessageId: number;
  messages: Map<number, ChatEntry>;
  replyKeyboard: ReplyKeyboardMarkup | null;
  callbacks: Map<string, CallbackAnswer>;
  /** How many of the bot's next new messages to this chat fail (a test's fault on purpose). */
  refusals: number;
  /** The bot's next edit to this chat, held on its way until the test lets it land. */
  editHold: EditHold | null;
  /** How many of the bot's next edits to this chat are answered 429 (a busy messenger). */
  busyEdits: number;
}
interface EditHold {
  /** An edit has come and waits. */
  waiting: boolean;
  release: () => void;
  released: Promise<void>;
}
interface PrivateChat extends ChatBase {
  kind: 'private';
  person: Person;
}
interface GroupChat extends ChatBase {
  kind: 'group';
  group: Group;
}
type Chat = PrivateChat | GroupChat;

const emptyChat = (id: number) => ({
  id,
  nextMessageId: 1,
  messages: new Map<number, ChatEntry>(),
  replyKeyboard: null,
  callbacks: new Map<string, CallbackAnswer>(),
  refusals: 0,
  editHold: null,
  busyEdits: 0,
});

/**
 * People, their private chats with the bot, group chats with the bot in them, and the SMS
 * inbox. Everything lives in memory. Chats are keyed by id: a private chat's id is its
 * person's, a group's is negative, as on Telegram.
 */
export class World {
  readonly events = new EventEmitter();
  private readonly chats = new Map<number, Chat>();
  private readonly callbackChats = new Map<string, number>();
  private readonly sms: SmsMessage[] = [];

  constructor(readonly bot: User) {
    this.events.setMaxListeners(0);
  }

  /** `wantedId` lets a demo or a test play a known user (one in ADMIN_IDS); null if it is taken. */
  addPerson(input: Omit<Person, 'id' | 'blockedBot'>): Person;
  addPerson(input: Omit<Person, 'id' | 'blockedBot'>, wantedId: number | undefined): Person | null;
  addPerson(input: Omit<Person, 'id' | 'blockedBot'>, wantedId?: number): Person | null {
    if (wantedId !== undefined && this.chats.has(wantedId)) return null;
    // Random ids like Telegram's: a restarted sandbox must not reuse an id the database remembers.
    let id = wantedId ?? randomInt(1_000_000_000, 2 ** 40);
    while (wantedId === undefined && this.chats.has(id)) id = randomInt(1_000_000_000, 2 ** 40);
    const person: Person = { ...input, id, blockedBot: false };
    this.chats.set(id, { ...emptyChat(id), kind: 'private', person });
    this.emit({ type: EVENT.person, person });
    return person;
  }

  people(): Person[] {
    return [...this.chats.values()].flatMap((c) => (c.kind === 'private' ? [c.person] : []));
  }

  person(id: number): Person | undefined {
    const chat = this.chats.get(id);
    return chat?.kind === 'private' ? chat.person : undefined;
  }

  /**
   * A group with the bot and these people in it. Ids are negative as on Telegram: a basic
   * group's has up to 12 digits, a supergroup's reads -100 followed by 10 digits.
   */
  addGroup(input: Omit<Group, 'id'>): Group {
    const newId = () =>
      input.type === 'supergroup'
        ? -(1_000_000_000_000 + randomInt(1_000_000_000, 9_999_999_999))
        : -randomInt(100_000_000, 999_999_999);
    let id = newId();
    while (this.chats.has(id)) id = newId();
    const group: Group = { ...input, id, members: [...new Set(input.members)] };
    this.chats.set(id, { ...emptyChat(id), kind: 'group', group });
    return group;
  }

  groupChat(id: number): GroupChat | undefined {
    const chat = this.chats.get(id);
    return chat?.kind === 'group' ? chat : undefined;
  }

  /** The chat as the Bot API addresses it; unknown ids answer "chat not found". */
  chatForBot(chatId: number | string): Chat {
    const chat = this.chats.get(Number(chatId));
    if (!chat) throw badRequest('chat not found');
    return chat;
  }

  /** Sending to a person who blocked the bot fails as Telegram fails it. */
  writableChat(chatId: number | string): Chat {
    const chat = this.chatForBot(chatId);
    if (chat.kind === 'private' && chat.person.blockedBot) throw forbidden('bot was blocked by the user');
    return chat;
  }

  /**
   * The chat a new message goes to. A refusal a test asked for is spent only here: were edits
   * to spend it too, a live QR's refresh could take the fault meant for the message under test.
   */
  chatForNewMessage(chatId: number | string): Chat {
    const chat = this.writableChat(chatId);
    if (chat.refusals > 0) {
      chat.refusals -= 1;
      throw badRequest('the sandbox was told to refuse this send');
    }
    return chat;
  }

  /**
   * The chat an edit goes to. An edit a test asked to hold waits here, so the test can make
   * something else happen while it is on its way (a Stop tapped while a refresh is in flight).
   */
  async chatForEdit(chatId: number | string): Promise<Chat> {
    const chat = this.writableChat(chatId);
    const hold = chat.editHold;
    if (hold && !hold.waiting) {
      hold.waiting = true;
      await hold.released;
      return chat;
    }
    if (chat.busyEdits > 0) {
      chat.busyEdits -= 1;
      throw new TelegramError(429, 'Too Many Requests: retry after 1', 1);
    }
    return chat;
  }

  /** Holds the bot's next edit to the chat until `releaseEdit`; false while one already waits. */
  holdNextEdit(chat: Chat): boolean {
    if (chat.editHold?.waiting) return false;
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    chat.editHold = { waiting: false, release, released };
    return true;
  }

  /** Lets every held edit land. */
  releaseEdits(): void {
    for (const chat of this.chats.values()) if (chat.editHold) this.releaseEdit(chat);
  }

  /** Lets the held edit land; false when none has come yet. */
  releaseEdit(chat: Chat): boolean {
    const hold = chat.editHold;
    if (!hold?.waiting) return false;
    chat.editHold = null;
    hold.release();
    return true;
  }

  /** A person's private chat with the bot. */
  chatOf(personId: number): PrivateChat {
    const chat = this.chats.get(personId);
    if (chat?.kind !== 'private') throw new Error(`no person ${personId}`);
    return chat;
  }

  append(chat: Chat, entry: Omit<ChatEntry, Stamped>): ChatEntry {
    const full: ChatEntry = {
      ...entry,
      messageId: chat.nextMessageId++,
      date: nowSeconds(),
      edits: 0,
      timeline: [stamp(entry)],
    };
    chat.messages.set(full.messageId, full);
    this.emit({ type: EVENT.message, chatId: chat.id, entry: full });
    return full;
  }

  edited(chat: Chat, entry: ChatEntry): void {
    entry.edits += 1;
    entry.editDate = nowSeconds();
    entry.timeline.push(stamp(entry));
    this.emit({ type: EVENT.edit, chatId: chat.id, entry });
  }

  remove(chat: Chat, messageId: number): boolean {
    if (!chat.messages.delete(messageId)) return false;
    this.emit({ type: EVENT.delete, chatId: chat.id, messageId });
    return true;
  }

  setReplyKeyboard(chat: Chat, markup: ReplyMarkup | undefined): void {
    if (!markup) return;
    if ('keyboard' in markup) chat.replyKeyboard = markup;
    else if ('remove_keyboard' in markup) chat.replyKeyboard = null;
    else return;
    this.emit({ type: EVENT.keyboard, chatId: chat.id, keyboard: chat.replyKeyboard });
  }

  /** A one-time keyboard hides once a person used one of its buttons. */
  usedReplyKeyboard(chat: Chat): void {
    if (chat.replyKeyboard?.one_time_keyboard) {
      chat.replyKeyboard = null;
      this.emit({ type: EVENT.keyboard, chatId: chat.id, keyboard: null });
    }
  }

  openCallback(chat: Chat, callback: CallbackAnswer): void {
    chat.callbacks.set(callback.callbackQueryId, callback);
    this.callbackChats.set(callback.callbackQueryId, chat.id);
  }

  /** The chat and message a button press came from, while it is known. */
  callbackSource(callbackQueryId: string): { chat: Chat; entry: ChatEntry | undefined } | undefined {
    const chat = this.chats.get(this.callbackChats.get(callbackQueryId) ?? 0);
    const callback = chat?.callbacks.get(callbackQueryId);
    return chat && callback && { chat, entry: chat.messages.get(callback.messageId) };
  }

  answerCallback(callbackQueryId: string, text: string | undefined, showAlert: boolean): void {
    const chatId = this.callbackChats.get(callbackQueryId);
    const callback =
      chatId === undefined ? undefined : this.chats.get(chatId)?.callbacks.get(callbackQueryId);
    if (!callback || callback.answered || chatId === undefined) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    callback.answered = true;
    if (text !== undefined) callback.text = text;
    callback.showAlert = showAlert;
    this.emit({ type: EVENT.callbackAnswer, chatId, answer: callback });
  }

  transcript(personId: number) {
    const chat = this.chatOf(personId);
    return {
      person: chat.person,
      messages: [...chat.messages.values()],
      replyKeyboard: chat.replyKeyboard,
      callbackAnswers: [...chat.callbacks.values()],
    };
  }

  groupTranscript(groupId: number) {
    const chat = this.groupChat(groupId);
    if (!chat) throw new Error(`no group ${groupId}`);
    return {
      group: chat.group,
      messages: [...chat.messages.values()],
      callbackAnswers: [...chat.callbacks.values()],
    };
  }

  receiveSms(to: string, text: string): SmsMessage {
    const sms: SmsMessage = { id: this.sms.length + 1, to, text, receivedAt: new Date().toISOString() };
    this.sms.push(sms);
    this.emit({ type: EVENT.sms, sms });
    return sms;
  }

  smsInbox(to?: string): SmsMessage[] {
    return this.sms.filter((s) => to === undefined || s.to === to).reverse();
  }

  emit(event: WorldEvent): void {
    this.events.emit('event', event);
  }
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export type { Chat, GroupChat, PrivateChat, Stamped };
