import { Api } from 'grammy';
import { type BotPlatform, telegramPlatform } from '../../bot/platform/platform';
import { telegramMessenger } from '../../bot/platform/telegram-messenger';
import type { Messenger } from '../../core/messaging/messenger';
import type { MessengerTarget } from './backend';

/** The messenger's protocol, chosen once: the bot's platform and the workers' port. */
export interface PlatformParts {
  bot: BotPlatform;
  /** For the workers, which send without grammY's middleware. */
  messenger(): Messenger;
}

export function platformParts(target: MessengerTarget): PlatformParts {
  return {
    bot: telegramPlatform(target.token, target.apiRoot),
    messenger: () =>
      telegramMessenger(new Api(target.token, target.apiRoot ? { apiRoot: target.apiRoot } : {})),
  };
}
