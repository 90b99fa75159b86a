import type { FastifyReply, FastifyRequest } from 'fastify';
import { Api, type Bot, webhookCallback } from 'grammy';
import type { Logger } from 'pino';
import type { BotContext } from '../../bot/context';
import { maxClient } from '../../bot/platform/max/client';
import { maxMessenger } from '../../bot/platform/max/max-messenger';
import { maxPlatform } from '../../bot/platform/max/max-platform';
import type { MaxAttachmentRequest, MaxBotInfo } from '../../bot/platform/max/types';
import { maxWebhook } from '../../bot/platform/max/webhook';
import { type BotPlatform, telegramPlatform } from '../../bot/platform/platform';
import { telegramMessenger } from '../../bot/platform/telegram-messenger';
import { type AppPage, appPageUrl } from '../../core/messaging/app-pages';
import type { Messenger } from '../../core/messaging/messenger';
import type { Executor } from '../../db/database';
import { maxMessageRepository } from '../../db/repositories/max-message.repository';
import { messengerCursorRepository } from '../../db/repositories/messenger-cursor.repository';
import { pacedMessenger, type SendPace, waitForSlot } from '../../workers/outgoing/send-pace';
import { type BotDelivery, MAX_API_ROOT } from '../config';
import type { MessengerTarget } from './backend';

type WebhookDelivery = Extract<BotDelivery, { kind: 'webhook' }>;

/** Updates by webhook: the route's handler, and telling the messenger where to deliver. */
export interface Webhook {
  handler(req: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  subscribe(): Promise<void>;
  stop(): Promise<void>;
}

/** The messenger's protocol, chosen once: the bot's platform, the workers' port, the webhook. */
export interface PlatformParts {
  /** The bot's platform, its Mini App pages under PUBLIC_URL (known once the service listens). */
  bot(publicUrl: () => string): BotPlatform;
  /** The workers' port, within the pipeline's pace (OUTGOING_RATE_PER_SECOND). */
  workerMessenger: Messenger;
  webhook(bot: Bot<BotContext>, delivery: WebhookDelivery): Webhook;
}

interface PlatformDeps {
  db: Executor;
  logger: Logger;
  pace: Pick<SendPace, 'slot'>;
}

export function platformParts(target: MessengerTarget, deps: PlatformDeps): Promise<PlatformParts> {
  return target.platform === 'max' ? maxParts(target, deps) : Promise.resolve(telegramParts(target, deps));
}

function telegramParts(target: MessengerTarget, deps: PlatformDeps): PlatformParts {
  return {
    bot: (publicUrl) => telegramPlatform(target.token, target.apiRoot, appUrlUnder(publicUrl)),
    workerMessenger: pacedMessenger(
      telegramMessenger(new Api(target.token, target.apiRoot ? { apiRoot: target.apiRoot } : {})),
      deps.pace,
    ),
    webhook: (bot, { url, secret }) => ({
      handler: webhookCallback(bot, 'fastify', { secretToken: secret }),
      subscribe: async () => {
        await bot.api.setWebhook(url, { secret_token: secret });
      },
      // Telegram keeps the webhook for the next process, which takes the updates waiting.
      stop: async () => {},
    }),
  };
}

async function maxParts(target: MessengerTarget, deps: PlatformDeps): Promise<PlatformParts> {
  // MAX counts every request against the bot's 30 a second, the bot's replies and polls and an
  // image's upload too: every process takes the pipeline's pace per request.
  const client = maxClient({
    root: target.apiRoot ?? MAX_API_ROOT,
    token: target.token,
    beforeRequest: () => waitForSlot(deps.pace),
  });
  // A MAX token does not name its bot: the store and the cursor are keyed by the id MAX gives,
  // and Mini App buttons name the bot by its public name.
  const { user_id: botId, username } = await client.call<MaxBotInfo>('GET', '/me');
  const store = maxMessageRepository<MaxAttachmentRequest>(deps.db);
  const { logger } = deps;
  const cursor = messengerCursorRepository(deps.db);
  return {
    bot: (publicUrl) => {
      // An open_app button names the bot by its public name: a bot without one offers the
      // in-chat QR and everything else, but no Mini App buttons.
      if (!username)
        logger.warn(
          'the MAX bot has no public name (GET /me gives no username), so it offers no Mini App ' +
            'buttons: give the bot a public name and register PUBLIC_URL/app as its mini app on ' +
            'business.max.ru, then restart the bot (docs/max.md, "Mini App buttons")',
        );
      return maxPlatform({
        client,
        store,
        cursor,
        botId,
        botName: username ?? null,
        appUrl: appUrlUnder(publicUrl),
        logger,
        allowHttpImages: target.viaSandbox,
      });
    },
    workerMessenger: maxMessenger({ client, store, botId, logger }),
    webhook: (bot, { url, secret, unsubscribeOnStop }) => {
      const webhook = maxWebhook({ client, url, secret, unsubscribeOnStop, botId: () => botId, logger });
      return {
        handler: webhook.handler((update) => bot.handleUpdate(update)),
        subscribe: webhook.subscribe,
        stop: webhook.stop,
      };
    },
  };
}

const appUrlUnder =
  (publicUrl: () => string) =>
  (page: AppPage): string =>
    appPageUrl(publicUrl(), page);
