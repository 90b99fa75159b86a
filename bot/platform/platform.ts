import type { Api, ApiClientOptions } from 'grammy';
import type { Messenger } from '../../core/messaging/messenger';
import type { AppUrl } from '../features/app-buttons';
import { type FileDownloader, fileDownloader } from './file-download';
import { telegramMessenger } from './telegram-messenger';

/**
 * What differs between messengers under the one bot: the features speak grammY, and a
 * platform other than Telegram answers grammY's calls in its own protocol under grammY's
 * client (its `fetch`), so no feature names a platform.
 */
export interface BotPlatform {
  /**
   * grammY's client options, which every Api built for the bot takes (a conversation's too):
   * Telegram's address, or on MAX a `fetch` that answers in MAX's protocol.
   */
  client: ApiClientOptions;
  messenger(api: Api): Messenger;
  download: FileDownloader;
  /** Where the Mini App's pages are, or null where the bot cannot offer them (PRODUCT.md §8). */
  appUrl: AppUrl | null;
}

export function telegramPlatform(token: string, apiRoot: string | undefined, appUrl: AppUrl): BotPlatform {
  return {
    client: apiRoot ? { apiRoot } : {},
    messenger: telegramMessenger,
    download: fileDownloader(token, apiRoot),
    appUrl,
  };
}
