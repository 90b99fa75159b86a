import type { FastifyInstance } from 'fastify';
import type { Update } from 'grammy/types';
import type { Dialect, DialectDeps } from '../dialect';
import { nowSeconds } from '../world';
import { registerBotApi } from './bot-api';
import { telegramLaunchFragment } from './mini-app';
import { entryToTelegram, personUser, telegramChat } from './render';
import { UpdateQueue } from './update-queue';

/** The Telegram Bot API at `/bot<token>/<method>`, and the world's changes as Telegram updates. */
export function registerTelegramDialect(app: FastifyInstance, deps: DialectDeps): Dialect {
  const { world, files } = deps;
  const updates = new UpdateQueue((err) =>
    deps.log.warn({ err: String(err) }, 'webhook delivery failed; retrying'),
  );
  registerBotApi(app, { ...deps, updates });
  const member = (status: 'member' | 'kicked') => ({
    status,
    user: world.bot,
    ...(status === 'kicked' ? { until_date: 0 } : {}),
  });
  return {
    personSaid: (chat, entry) =>
      updates.push((update_id) => ({ update_id, message: entryToTelegram(world, files, chat, entry) }))
        .update_id,

    pressed: (chat, presser, entry, data, callbackId) =>
      updates.push((update_id) => ({
        update_id,
        callback_query: {
          id: callbackId,
          from: personUser(presser),
          message: entryToTelegram(world, files, chat, entry),
          chat_instance: String(chat.id),
          data,
        },
      })).update_id,

    addedToGroup(chat, adder) {
      updates.push(
        (update_id) =>
          ({
            update_id,
            my_chat_member: {
              chat: telegramChat(chat),
              from: personUser(adder),
              date: nowSeconds(),
              old_chat_member: { status: 'left', user: world.bot },
              new_chat_member: { status: 'member', user: world.bot },
            },
          }) as Update,
      );
    },

    blockChanged(person, blocked) {
      updates.push(
        (update_id) =>
          ({
            update_id,
            my_chat_member: {
              chat: { id: person.id, type: 'private', first_name: person.firstName },
              from: personUser(person),
              date: nowSeconds(),
              old_chat_member: member(blocked ? 'member' : 'kicked'),
              new_chat_member: member(blocked ? 'kicked' : 'member'),
            },
          }) as Update,
      );
    },

    miniAppFragment: (person, options) => telegramLaunchFragment(deps.token, person, options),
    redeliver: (updateId) => updates.redeliver(updateId),
    pendingUpdates: () => updates.webhookInfo().pending_update_count,
    close: () => updates.close(),
  };
}
