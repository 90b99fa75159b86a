import type { FastifyReply, FastifyRequest } from 'fastify';
import { Api, type Bot, webhookCallback } from 'grammy';
import type { BotContext } from '../../bot/context';
import { type BotPlatform, telegramPlatform } from '../../bot/platform/platform';
import { telegramMessenger } from '../../bot/platform/telegram-messenger';
import type { Messenger } from '../../core/messaging/messenger';
import { pacedMessenger, type SendPace } from '../../workers/outgoing/send-pace';
import type { BotDelivery } from '../config';
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
  bot: BotPlatform;
  /** The workers' port, within the pipeline's pace (OUTGOING_RATE_PER_SECOND). */
  pacedMessenger(pace: Pick<SendPace, 'slot'>): Messenger;
  webhook(bot: Bot<BotContext>, delivery: WebhookDelivery): Webhook;
}

export function platformParts(target: MessengerTarget): PlatformParts {
  return {
    bot: telegramPlatform(target.token, target.apiRoot),
    pacedMessenger: (pace) =>
      pacedMessenger(
        telegramMessenger(new Api(target.token, target.apiRoot ? { apiRoot: target.apiRoot } : {})),
        pace,
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
