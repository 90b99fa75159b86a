import type { FastifyReply } from 'fastify';
import type { BotCommand } from 'grammy/types';
import type { z } from 'zod';
import type { Dialect } from '../dialect';
import type { FileStore } from '../files';
import type { SandboxRateLimiter } from '../rate-limiter';
import type { Chat, ChatEntry, Person, Stamped, World } from '../world';

export interface PeopleApiDeps {
  world: World;
  files: FileStore;
  dialect: Dialect;
  limiter: SandboxRateLimiter;
  commands: Map<string, BotCommand[]>;
  /** The bot's Mini App, which the page can open for a person without a button. */
  miniAppUrl: () => string | undefined;
}

/** The person named in the path and their chat, or null once a 404 is sent. */
export function withPerson(
  world: World,
  id: string,
  reply: FastifyReply,
): { person: Person; chat: Chat } | null {
  const person = world.person(Number(id));
  if (!person) {
    void reply.code(404).send({ error: `no person with id ${id}` });
    return null;
  }
  return { person, chat: world.chatOf(person.id) };
}

/** What the person sends becomes an update for the bot; a blocked bot hears nothing. */
export function personSays(
  deps: PeopleApiDeps,
  chat: Chat,
  entry: Omit<ChatEntry, Stamped>,
): { messageId: number; updateId: number | null } {
  const sent = deps.world.append(chat, entry);
  if (chat.kind === 'private' && chat.person.blockedBot) return { messageId: sent.messageId, updateId: null };
  return { messageId: sent.messageId, updateId: deps.dialect.personSaid(chat, sent) };
}

/** A body the schema refused: 400 with every problem, each prefixed by its field. */
export function invalid(reply: FastifyReply, error: z.ZodError) {
  return reply
    .code(400)
    .send({ error: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
}
