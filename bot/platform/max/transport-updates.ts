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
  /** `offset` is the runner's: the last update id it took in + 1. */
  getUpdates(
    params: { offset?: number; timeout?: number; limit?: number },
    signal?: AbortSignal,
  ): Promise<Update[]>;
}

const DEFAULT_TIMEOUT_SECONDS = 30;
const MAX_TIMEOUT_SECONDS = 90;
/** The HTTP request outlives the long poll by this much, so an empty poll is not a timeout. */
const REQUEST_SLACK_MS = 15_000;

/**
 * Long polling on MAX, answering grammY's `getUpdates`. MAX acknowledges by marker: passing a
 * response's marker commits its batch. A batch is committed only once the runner has taken it
 * in: its next call carries Telegram's `offset`, the batch's last update id + 1, once the inbox
 * (`takeIn`, an outer transformer) has stored it; a call without it (the intake failed) polls
 * with the old marker, and MAX sends the batch again. The marker is also kept in the cursor, in
 * the background, so that a restart resumes there; no poll waits for the database. Failures are
 * thrown for the runner, which retries with backoff; polls stay `minIntervalMs` apart.
 */
export function maxUpdatePoller(deps: MaxUpdatePollerDeps): MaxUpdatePoller {
  const minIntervalMs = deps.minIntervalMs ?? 300;
  /** What the next poll passes; undefined until read from the cursor. */
  let marker: string | null | undefined;
  /** The batch last handed out: its marker, and the offset that shows it was taken in. */
  let handedOut: { marker: string; offset: number | null } | null = null;
  let lastPollEnded = Number.NEGATIVE_INFINITY;
  const cursor = latestOnly(deps);

  return {
    async getUpdates(params, signal) {
      const botId = deps.botId();
      if (marker === undefined) marker = await deps.cursor.load(botId);
      if (handedOut && (handedOut.offset === null || params.offset === handedOut.offset)) {
        marker = handedOut.marker;
        cursor.save(botId, marker);
      }
      handedOut = null;
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
      const batch = convertBatch(Array.isArray(list?.updates) ? list.updates : [], botId, deps.logger);
      const last = batch.at(-1);
      if (typeof list?.marker === 'string')
        handedOut = { marker: list.marker, offset: last ? last.update_id + 1 : null };
      return batch;
    },
  };
}

/** Saves the newest marker, one save at a time; a failed save is logged and left to the next. */
function latestOnly(deps: Pick<MaxUpdatePollerDeps, 'cursor' | 'logger'>) {
  let next: { botId: number; marker: string } | null = null;
  let saving = false;
  return {
    save(botId: number, marker: string) {
      next = { botId, marker };
      if (saving) return;
      saving = true;
      void (async () => {
        while (next) {
          const { botId: bot, marker: value } = next;
          next = null;
          await deps.cursor.save(bot, value).catch((err: unknown) => {
            deps.logger.warn({ err }, 'could not keep the MAX marker; a restart gets its batch again');
          });
        }
        saving = false;
      })();
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
