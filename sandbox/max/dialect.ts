import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Dialect } from '../dialect';
import type { ChatEntry, Person } from '../world';
import { registerMaxApi } from './api';
import type { MaxApiDeps } from './context';
import { maxChatId } from './ids';
import { maxLaunchFragment } from './mini-app';
import { maxUser, toMax } from './render';
import type { MaxUpdate } from './types';
import { MaxUpdateQueue } from './updates';

export type MaxDialectDeps = Omit<MaxApiDeps, 'updates' | 'readyAt'> & {
  onWebhookError: (err: unknown, url: string) => void;
};

/** A person's private `/start` (with its payload) is MAX's bot_started, not a message. */
const START = /^\/start(?:\s+(\S+))?\s*$/;

/** The MAX Bot API at the root, and the world's changes as MAX updates. */
export async function registerMaxDialect(app: FastifyInstance, deps: MaxDialectDeps): Promise<Dialect> {
  const { world } = deps;
  const updates = new MaxUpdateQueue(deps.onWebhookError);
  await registerMaxApi(app, { ...deps, updates, readyAt: new Map() });
  registerRawUpdates(app, updates);
  const started = (person: Person, payload: string | null) =>
    updates.push({
      update_type: 'bot_started',
      timestamp: Date.now(),
      chat_id: maxChatId(world.chatOf(person.id)),
      user: maxUser(person),
      payload,
      user_locale: person.languageCode,
    });
  const senderOf = (chat: Parameters<Dialect['personSaid']>[0], entry: ChatEntry) =>
    chat.kind === 'private' ? chat.person : world.person(entry.senderId ?? 0);

  return {
    personSaid(chat, entry) {
      const start = chat.kind === 'private' && entry.text !== undefined ? START.exec(entry.text) : null;
      if (start && chat.kind === 'private') return started(chat.person, start[1] ?? null);
      return updates.push({
        update_type: 'message_created',
        timestamp: Date.now(),
        message: toMax(world, chat, entry, deps.origin()),
        user_locale: senderOf(chat, entry)?.languageCode ?? null,
      });
    },

    pressed: (chat, presser, entry, data, callbackId) =>
      updates.push({
        update_type: 'message_callback',
        timestamp: Date.now(),
        message: toMax(world, chat, entry, deps.origin()),
        user_locale: presser.languageCode,
        callback: { timestamp: Date.now(), callback_id: callbackId, payload: data, user: maxUser(presser) },
      }),

    addedToGroup(chat, adder) {
      updates.push({
        update_type: 'bot_added',
        timestamp: Date.now(),
        chat_id: maxChatId(chat),
        user: maxUser(adder),
        is_channel: false,
      });
    },

    // Unblocking on MAX is pressing Start again.
    blockChanged(person, blocked) {
      if (!blocked) started(person, null);
      else
        updates.push({
          update_type: 'bot_stopped',
          timestamp: Date.now(),
          chat_id: maxChatId(world.chatOf(person.id)),
          user: maxUser(person),
        });
    },

    miniAppFragment: (person, options) => maxLaunchFragment(deps.token, world, person, options),
    redeliver: (n) => updates.redeliver(n),
    pendingUpdates: () => updates.pendingCount(),
    close: () => updates.close(),
  };
}

/**
 * A test's way to send the bot an update as MAX would, any type included: delivered whatever
 * types the bot asked for, as a subscription without `update_types` or a newer MAX would send it.
 */
function registerRawUpdates(app: FastifyInstance, updates: MaxUpdateQueue): void {
  app.post('/sandbox/api/max/updates', async (req, reply) => {
    const body = z
      .object({ update_type: z.string().min(1), timestamp: z.number().int() })
      .loose()
      .safeParse(req.body ?? {});
    if (!body.success) return reply.code(400).send({ error: body.error.issues[0]?.message ?? 'invalid' });
    return reply.code(201).send({ updateId: updates.push(body.data as unknown as MaxUpdate, true) });
  });
}
