import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { newCallbackQueryId } from '../telegram/bot-api/methods';
import type { Chat, Person } from '../world';
import { invalid, type PeopleApiDeps, withPerson } from './context';

export const callbackInput = z.object({
  messageId: z.number().int().positive(),
  data: z.string().min(1).max(64),
  /** Sends data no button carries, as a tampered client could. */
  forge: z.boolean().default(false),
});

/** A person taps an inline button of a bot message in a chat: a real `callback_query`. */
export function press(
  deps: PeopleApiDeps,
  chat: Chat,
  presser: Person,
  input: z.infer<typeof callbackInput>,
  reply: FastifyReply,
) {
  const { messageId, data, forge } = input;
  const entry = chat.messages.get(messageId);
  if (entry?.from !== 'bot')
    return reply.code(404).send({ error: `no bot message ${messageId} in this chat` });
  const hasButton = entry.inlineKeyboard
    ?.flat()
    .some((b) => 'callback_data' in b && b.callback_data === data);
  if (!hasButton && !forge)
    return reply.code(400).send({ error: `message ${messageId} has no button with that data` });
  if (chat.kind === 'private' && presser.blockedBot)
    return reply.code(409).send({ error: 'this person blocked the bot' });
  const callbackQueryId = newCallbackQueryId();
  deps.world.openCallback(chat, { callbackQueryId, messageId, data, answered: false });
  const updateId = deps.dialect.pressed(chat, presser, entry, data, callbackQueryId);
  return reply.code(201).send({ callbackQueryId, updateId });
}

/** A person taps a button in their private chat (a group's taps go through the group routes). */
export function registerButtonPresses(app: FastifyInstance, deps: PeopleApiDeps): void {
  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/callbacks', async (req, reply) => {
    const found = withPerson(deps.world, req.params.id, reply);
    if (!found) return reply;
    const body = callbackInput.safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    return press(deps, found.chat, found.person, body.data, reply);
  });
}
