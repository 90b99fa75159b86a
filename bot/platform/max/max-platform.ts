import type { Logger } from 'pino';
import type { AppUrl } from '../../features/app-buttons';
import type { BotPlatform } from '../platform';
import type { MaxClient } from './client';
import { maxFileDownloader } from './file-download';
import { maxMessenger } from './max-messenger';
import type { MarkerCursor, MaxMessageStore } from './message-store';
import { maxTransport } from './transport';
import { transportFetch } from './transport-fetch';
import { maxUpdatePoller } from './transport-updates';

export interface MaxPlatformDeps {
  client: MaxClient;
  store: MaxMessageStore;
  cursor: MarkerCursor;
  /** The bot's MAX user id (`GET /me`), which keys the message store and the cursor. */
  botId: number;
  /**
   * The bot's public name (`GET /me`), which its Mini App buttons name. A bot may have none:
   * then it offers no Mini App buttons.
   */
  botName: string | null;
  appUrl: AppUrl;
  /** Images from the sandbox, which serves them without TLS. */
  allowHttpImages: boolean;
  logger: Logger;
}

/**
 * grammY's address on MAX. The transport's `fetch` answers every call, so nothing is sent
 * there; `.invalid` never resolves, so nothing could be.
 */
const NO_TELEGRAM = 'http://telegram-bot-api.invalid';

/** The bot on MAX: grammY's calls answered in MAX's protocol under grammY's client. */
export function maxPlatform(deps: MaxPlatformDeps): BotPlatform {
  const { client, store, botId, botName, logger } = deps;
  const updates = maxUpdatePoller({ client, cursor: deps.cursor, botId: () => botId, logger });
  const messenger = maxMessenger({ client, store, botId, logger });
  return {
    client: {
      apiRoot: NO_TELEGRAM,
      fetch: transportFetch(
        maxTransport({
          client,
          store,
          updates,
          logger,
          botId,
          ...(botName ? { miniApp: { botName, pageUrl: deps.appUrl } } : {}),
        }),
      ),
    },
    messenger: () => messenger,
    download: maxFileDownloader({ allowHttp: deps.allowHttpImages }),
    appUrl: botName ? deps.appUrl : null,
  };
}
