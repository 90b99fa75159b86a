import { setTimeout as sleep } from 'node:timers/promises';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import type { MaxClient } from './client';
import type { MarkerCursor } from './message-store';
import { toTelegramUpdate } from './to-telegram';
import { MAX_UPDATE_TYPES, type MaxAnyUpdate, type MaxUpdateList } from './types';

export interface MaxUpdatePollerDeps {
  client: MaxClient;
  cursor: MarkerCursor;
  /** The bot's MAX user id: the cursor's key (known once the bot has asked `GET /me`). */
  botId: () => number;
  logger: Logger;
  /** MAX asks for at least this long between polls [schema, info.description]. */
  minIntervalMs?: number;
}

export interface MaxUpdatePoller {
  getUpdates(params: { timeout?: number; limit?: number }, signal?: AbortSignal): Promise<Update[]>;
}

const DEFAULT_TIMEOUT_SECONDS = 30;
const MAX_TIMEOUT_SECONDS = 90;
/** The HTTP request outlives the long poll by this much, so an empty poll is not a timeout. */
const REQUEST_SLACK_MS = 15_000;

/**
 * Long polling on MAX, answering grammY's `getUpdates`. MAX acknowledges by marker: passing a
 * response's marker commits its batch. The runner asks again only once the inbox (`takeIn`, an
 * outer transformer) has stored the previous batch, so each call first saves the previous
 * marker to the cursor, then polls with it: a restart neither repeats nor loses a batch.
 * Failures are thrown for the runner, which retries with backoff; polls stay `minIntervalMs`
 * apart whatever happens.
 */
export function maxUpdatePoller(deps: MaxUpdatePollerDeps): MaxUpdatePoller {
  const minIntervalMs = deps.minIntervalMs ?? 300;
  /** What the next poll passes; undefined until read from the cursor. */
  let marker: string | null | undefined;
  let saved: string | null = null;
  let lastPollEnded = Number.NEGATIVE_INFINITY;

  async function commitPrevious(botId: number) {
    if (marker === undefined) {
      marker = await deps.cursor.load(botId);
      saved = marker;
    }
    if (marker !== null && marker !== saved) {
      await deps.cursor.save(botId, marker);
      saved = marker;
    }
  }

  return {
    async getUpdates(params, signal) {
      const botId = deps.botId();
      await commitPrevious(botId);
      const wait = lastPollEnded + minIntervalMs - Date.now();
      if (wait > 0) await sleep(wait, undefined, signal ? { signal } : {});
      const timeout = Math.min(Math.max(params.timeout ?? DEFAULT_TIMEOUT_SECONDS, 0), MAX_TIMEOUT_SECONDS);
      let list: MaxUpdateList;
      try {
        list = await deps.client.call<MaxUpdateList>('GET', '/updates', {
          query: {
            marker: marker ?? undefined,
            timeout,
            limit: params.limit,
            types: MAX_UPDATE_TYPES.join(','),
          },
          timeoutMs: timeout * 1000 + REQUEST_SLACK_MS,
          ...(signal ? { signal } : {}),
        });
      } finally {
        lastPollEnded = Date.now();
      }
      if (typeof list?.marker === 'string') marker = list.marker;
      return convertBatch(Array.isArray(list?.updates) ? list.updates : [], botId, deps.logger);
    },
  };
}

/** The batch as Telegram updates; what the bot does not handle is logged by type and dropped. */
function convertBatch(updates: unknown[], botId: number, logger: Logger): Update[] {
  const converted: Update[] = [];
  for (const raw of updates) {
    const updateType = (raw as { update_type?: unknown } | null)?.update_type;
    const update = typeof updateType === 'string' ? toTelegramUpdate(raw as MaxAnyUpdate, botId) : null;
    if (update) converted.push(update);
    else logger.info({ updateType: String(updateType).slice(0, 64) }, 'MAX update not handled; acknowledged');
  }
  return converted;
}
