import type { BotCommand } from 'grammy/types';
import type { Logger } from 'pino';
import type { FileStore } from './files';
import type { LaunchOptions } from './mini-app/launch-data';
import type { SandboxRateLimiter } from './rate-limiter';
import type { Chat, ChatEntry, GroupChat, Person, World } from './world';

/**
 * How one messenger protocol tells the bot what happened in the world. The world is the one
 * model; the people API changes it and asks the dialect to render the change as that
 * protocol's update. Each method answers the update's number in the dialect's own sequence.
 */
export interface Dialect {
  /** A person's message, already in the chat (a private chat's /start included). */
  personSaid(chat: Chat, entry: ChatEntry): number;
  /** A person pressed the callback button carrying `data` on the bot's message `entry`. */
  pressed(chat: Chat, presser: Person, entry: ChatEntry, data: string, callbackId: string): number;
  /** The bot was added to a group by its first member. */
  addedToGroup(chat: GroupChat, adder: Person): void;
  blockChanged(person: Person, blocked: boolean): void;
  /** The URL fragment a Mini App opens with for this person: launch data signed with the bot's token. */
  miniAppFragment(person: Person, options: LaunchOptions): string;
  /** Delivers update number `updateId` again, as after a lost acknowledgement; false if unknown. */
  redeliver(updateId: number): boolean;
  /** Updates the messenger still keeps for the bot: not yet confirmed by a poll or a webhook answer. */
  pendingUpdates(): number;
  close(): void;
}

/** What every dialect is built from: the one world and the bot's side of it. */
export interface DialectDeps {
  token: string;
  world: World;
  files: FileStore;
  limiter: SandboxRateLimiter;
  commands: Map<string, BotCommand[]>;
  log: Logger;
  /** The bot's Mini App (set on business.max.ru or with BotFather), once the sandbox knows it. */
  miniAppUrl: () => string | undefined;
}
