import type { Api } from 'grammy';
import type { Messenger } from '../../core/messaging/messenger';
import { type FileDownloader, fileDownloader } from './file-download';
import { telegramMessenger } from './telegram-messenger';

/**
 * What differs between messengers under the one bot: the features speak grammY, and a
 * platform other than Telegram answers grammY's calls in its own protocol from the innermost
 * transformer, so no feature names a platform.
 */
export interface BotPlatform {
  /** grammY's API root: Telegram's (or a local Bot API server's), or one nothing answers on MAX. */
  apiRoot: string | undefined;
  /** Installs on a fresh Api what must sit innermost, before any other transformer. */
  installTransport(api: Api): void;
  messenger(api: Api): Messenger;
  download: FileDownloader;
}

export function telegramPlatform(token: string, apiRoot: string | undefined): BotPlatform {
  return {
    apiRoot,
    installTransport: () => {},
    messenger: telegramMessenger,
    download: fileDownloader(token, apiRoot),
  };
}
