import { HttpError } from 'grammy';
import type { ApiError, File, Update, UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import { botIdentity } from './bot-identity';
import { MaxApiError, type MaxClient, MaxNetworkError } from './client';
import type { MaxMessageStore } from './message-store';
import { storedMessages, TooLong, UnknownMessage } from './stored-messages';
import { type MaxMiniApp, MaxUnsupported } from './to-max';
import type { TelegramCall } from './transport-fetch';
import { fields, type Method, messageMethods, type Payload } from './transport-methods';
import type { MaxBotInfo } from './types';
import { isNotReady, realSleep, type Sleep } from './upload-image';

export interface MaxTransportDeps {
  client: MaxClient;
  store: MaxMessageStore;
  /** Long polling (transport-updates.ts): the marker and the cursor live there. */
  updates: {
    getUpdates(
      params: { offset?: number; timeout?: number; limit?: number },
      signal?: AbortSignal,
    ): Promise<Update[]>;
  };
  logger: Logger;
  /** The bot's MAX user id, if known; otherwise asked once with `GET /me`. */
  botId?: number;
  /**
   * The bot's Mini App: its public name, read once at start, and its pages' URLs. None for a
   * bot without a public name (it offers no Mini App buttons, and any sent are refused).
   */
  miniApp?: MaxMiniApp;
  sleep?: Sleep;
}

/** The MAX bot as Telegram's getMe describes a bot: none of Telegram's optional powers. */
function telegramBot(me: MaxBotInfo): UserFromGetMe {
  return {
    id: me.user_id,
    is_bot: true,
    first_name: me.first_name,
    username: me.username ?? '',
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

/** The bot-wide methods: who the bot is, its updates, its webhook, its menu, its answers. */
function botMethods(deps: MaxTransportDeps): Record<string, Method> {
  const { client, logger } = deps;
  /** Per-language and per-chat menus do not exist on MAX: the call succeeds as a no-op. */
  const scoped = (p: Payload) => p.scope !== undefined || p.language_code !== undefined;
  const setCommands = async (commands: { name: string; description: string }[]) => {
    try {
      await client.call('PATCH', '/me/commands', { body: { commands } });
    } catch (err) {
      // PRODUCT.md §7: a MAX without the menu call is no reason to stop the bot.
      if (!(err instanceof MaxApiError && err.status === 404)) throw err;
      logger.info({ code: err.code }, 'MAX has no command menu call; menu not set');
    }
    return true;
  };
  return {
    getMe: async () => telegramBot(await client.call<MaxBotInfo>('GET', '/me')),
    async getUpdates(payload, signal) {
      // `offset` says which batch the runner took in; MAX's marker then commits it (`updates`).
      const p = fields('getUpdates', payload, ['offset', 'timeout', 'limit'], ['allowed_updates']);
      return deps.updates.getUpdates(
        {
          ...(typeof p.offset === 'number' ? { offset: p.offset } : {}),
          ...(typeof p.timeout === 'number' ? { timeout: p.timeout } : {}),
          ...(typeof p.limit === 'number' ? { limit: p.limit } : {}),
        },
        signal,
      );
    },
    async deleteWebhook() {
      const { subscriptions } = await client.call<{ subscriptions: { url: string }[] }>(
        'GET',
        '/subscriptions',
      );
      if (subscriptions.length === 0) return true;
      // Never removed here: a subscription may be another deployment's, and polling would
      // silently take its updates.
      const hosts = subscriptions.map((s) => hostOf(s.url)).join(', ');
      throw new Conflict(
        `MAX delivers this bot's updates by webhook to ${hosts}; polling is refused until that subscription is removed`,
      );
    },
    async setMyCommands(payload) {
      const p = fields('setMyCommands', payload, ['commands', 'scope', 'language_code']);
      if (scoped(p)) return true;
      const commands = p.commands as { command: string; description: string }[];
      return setCommands(commands.map((c) => ({ name: c.command, description: c.description })));
    },
    async deleteMyCommands(payload) {
      const p = fields('deleteMyCommands', payload, ['scope', 'language_code']);
      return scoped(p) ? true : setCommands([]);
    },
    async answerCallbackQuery(payload) {
      // MAX shows one kind of notification: an alert is shown as a toast.
      const p = fields(
        'answerCallbackQuery',
        payload,
        ['callback_query_id', 'text'],
        ['show_alert', 'cache_time'],
      );
      const query = { callback_id: String(p.callback_query_id) };
      await client.call('POST', '/answers', { query, body: { notification: (p.text as string) ?? null } });
      return true;
    },
    async getFile(payload): Promise<File> {
      // The incoming side names a received image by its URL; the MAX downloader fetches it.
      const fileId = String(fields('getFile', payload, ['file_id']).file_id);
      return { file_id: fileId, file_unique_id: fileId, file_path: fileId };
    },
  };
}

class Conflict extends Error {}

/** A subscription's host: its path may hold a secret, so it is left out. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an unreadable URL';
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  429: 'Too Many Requests',
};

const refusal = (error_code: number, description: string, retryAfter?: number): ApiError => ({
  ok: false,
  error_code,
  description,
  ...(retryAfter === undefined ? {} : { parameters: { retry_after: retryAfter } }),
});

/**
 * A failure in Telegram's words, so that auto-retry, GrammyError checks, the late-answer
 * filter and update-failures.ts read MAX as they read Telegram.
 */
function telegramError(method: string, err: unknown, logger: Logger): ApiError {
  if (err instanceof MaxUnsupported) return refusal(400, `Bad Request: ${err.message}`);
  if (err instanceof TooLong) return refusal(400, 'Bad Request: message is too long');
  if (err instanceof Conflict) return refusal(409, `Conflict: ${err.message}`);
  const gone = `Bad Request: message to ${method === 'deleteMessage' ? 'delete' : 'edit'} not found`;
  if (err instanceof UnknownMessage) return refusal(400, gone);
  if (err instanceof MaxNetworkError) throw new HttpError(`Network request for '${method}' failed!`, err);
  // Not MAX's answer (a reply it could not read, say): a server error, which auto-retry leaves
  // alone, since the request may have gone through and a retry would repeat it.
  if (!(err instanceof MaxApiError)) {
    logger.error({ method, reason: (err as Error)?.name }, 'a MAX call failed after its request');
    return refusal(500, `Internal Server Error: the MAX answer to ${method} could not be read`);
  }
  // MAX's codes for these are unpublished (design §11.4): logged, to learn them.
  logger.info({ method, status: err.status, code: err.code }, 'MAX refused a call');
  const said = `${err.description} (MAX ${err.code})`;
  if (err.status === 429) return refusal(429, 'Too Many Requests: retry after 1', 1);
  if (err.status === 403) return refusal(403, `Forbidden: bot was blocked by the user; ${said}`);
  // Telegram's late-answer error: lateCallbackAnswers lets the handler go on.
  if (method === 'answerCallbackQuery' && err.status < 500)
    return refusal(
      400,
      `Bad Request: query is too old and response timeout expired or query ID is invalid; ${said}`,
    );
  if ((err.method === 'PUT' || err.method === 'DELETE') && (err.status === 404 || err.code === 'not.found'))
    return refusal(400, `${gone}; ${said}`);
  if (isNotReady(err)) return refusal(500, `Internal Server Error: the image is not processed yet; ${said}`);
  if (err.status >= 500) return refusal(err.status, `Internal Server Error: ${said}`);
  return refusal(err.status, `${STATUS_WORDS[err.status] ?? 'Error'}: ${said}`);
}

/**
 * The Telegram Bot API answered on MAX: the MAX requests for each method the service calls,
 * and what Telegram would have answered. It sits under grammY's client (transport-fetch.ts),
 * so auto-retry and every other transformer see Telegram-shaped answers. A method it does not
 * know is refused loudly, never passed on.
 */
export function maxTransport(deps: MaxTransportDeps): TelegramCall {
  const messages = storedMessages({
    client: deps.client,
    store: deps.store,
    botId: botIdentity(deps.client, deps.botId),
    sleep: deps.sleep ?? realSleep,
    logger: deps.logger,
  });
  const methods: Record<string, Method> = {
    ...messageMethods({ messages, miniApp: deps.miniApp }),
    ...botMethods(deps),
  };
  return async (method, payload, signal) => {
    const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!handler) {
      deps.logger.warn({ method }, 'a Telegram method with no MAX counterpart was called');
      return refusal(400, `Bad Request: method ${method} is not supported on MAX`);
    }
    try {
      return { ok: true, result: await handler((payload ?? {}) as Payload, signal) };
    } catch (err) {
      return telegramError(method, err, deps.logger);
    }
  };
}
