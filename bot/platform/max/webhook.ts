import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { MaxClient } from './client';
import { toTelegramUpdate } from './to-telegram';
import { MAX_UPDATE_TYPES, type MaxAnyUpdate, type MaxSimpleResult } from './types';

export interface MaxWebhookDeps {
  client: MaxClient;
  /** The public HTTPS address MAX delivers to; its path is where the handler is mounted. */
  url: string;
  /** Sent back by MAX in `X-Max-Bot-Api-Secret` with every delivery. */
  secret: string;
  /** Whether stopping removes the subscription (off: a restart loses no deliveries). */
  unsubscribeOnStop: boolean;
  /** The bot's MAX user id (named as the member removed when someone blocks the bot). */
  botId: () => number;
  logger: Logger;
}

export interface MaxWebhook {
  subscribe(): Promise<void>;
  stop(): Promise<void>;
  /**
   * The route's handler. Wrap it in `guardWebhook`: a failed handling (an outage, or an update
   * another process holds) must become a 503, so MAX delivers the update again.
   */
  handler(
    handleUpdate: (update: Update) => Promise<void>,
  ): (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

const SECRET_HEADER = 'x-max-bot-api-secret';
const delivery = z.looseObject({ update_type: z.string() });

/** Hashing first gives equal lengths, so the compare leaks neither the secret nor its length. */
const digest = (value: string) => createHash('sha256').update(value).digest();

/** Receiving by webhook on MAX: the subscription, and the handler that checks each delivery. */
export function maxWebhook(deps: MaxWebhookDeps): MaxWebhook {
  const expected = digest(deps.secret);
  const isOurs = (header: unknown) => typeof header === 'string' && timingSafeEqual(digest(header), expected);
  const logRefusal = refusalLog(deps.logger);

  return {
    async subscribe() {
      await deps.client.call<MaxSimpleResult>('POST', '/subscriptions', {
        body: { url: deps.url, secret: deps.secret, update_types: [...MAX_UPDATE_TYPES] },
      });
      deps.logger.info({ url: deps.url }, 'receiving MAX updates by webhook');
    },

    async stop() {
      if (!deps.unsubscribeOnStop) return;
      await deps.client.call<MaxSimpleResult>('DELETE', '/subscriptions', { query: { url: deps.url } });
      deps.logger.info({ url: deps.url }, 'MAX webhook subscription removed');
    },

    handler(handleUpdate) {
      return async (req, reply) => {
        if (!isOurs(req.headers[SECRET_HEADER])) {
          logRefusal(req.ip);
          await reply.code(401).send({ code: 'verify.secret', message: 'Invalid secret' });
          return;
        }
        const parsed = delivery.safeParse(req.body);
        if (!parsed.success) {
          await reply.code(400).send({ code: 'bad.request', message: 'Not a MAX update' });
          return;
        }
        const update = toTelegramUpdate(parsed.data as MaxAnyUpdate, deps.botId());
        if (!update) {
          deps.logger.info(
            { updateType: parsed.data.update_type.slice(0, 64) },
            'MAX update not handled; acknowledged',
          );
        } else {
          await handleUpdate(update);
        }
        await reply.code(200).send({ ok: true });
      };
    },
  };
}

const REFUSAL_LOG_INTERVAL_MS = 60_000;
/** Enough to tell one sender from many; a flood from many addresses must not grow it without end. */
const REFUSAL_ADDRESSES_KEPT = 10_000;

/** Runs `flush` once a minute from now; the timer must not keep the process alive. */
const inAMinute = (flush: () => void) => void setTimeout(flush, REFUSAL_LOG_INTERVAL_MS).unref();

/**
 * Anyone who finds the webhook's address can post to it: a stream of forged deliveries must not
 * become a stream of log lines. The first refusal is logged at once; those after it within the
 * minute are summed into one line at the minute's end (how many, from how many addresses, the
 * last one), so a short burst is reported as well as a long one.
 */
export function refusalLog(
  logger: Logger,
  later: (flush: () => void) => void = inAMinute,
): (ip: string) => void {
  let burst: { count: number; addresses: Set<string>; last: string } | null = null;
  const flush = () => {
    if (burst && burst.count > 0) {
      logger.warn(
        { refused: burst.count, addresses: burst.addresses.size, ip: burst.last },
        'MAX webhook deliveries without the right secret refused',
      );
    }
    burst = null;
  };
  return (ip) => {
    if (!burst) {
      logger.warn({ refused: 1, ip }, 'MAX webhook delivery without the right secret refused');
      burst = { count: 0, addresses: new Set(), last: ip };
      later(flush);
      return;
    }
    burst.count += 1;
    if (burst.addresses.size < REFUSAL_ADDRESSES_KEPT) burst.addresses.add(ip);
    burst.last = ip;
  };
}
