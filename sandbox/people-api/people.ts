import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { E164_RU } from '../../core/identity/phone';
import { DIALOG_OFFSET } from '../max/ids';
import { commandsFor } from '../telegram/bot-api/commands';
import { invalid, type PeopleApiDeps, withPerson } from './context';
import { textButtons } from './keyboard-buttons';

const personInput = z.object({
  /** A chosen user id (for ADMIN_IDS); a random one, like Telegram's, when left out. */
  // Below MAX's dialog-id offset, so the MAX dialect never mistakes a user_id for a chat_id.
  id: z
    .number()
    .int()
    .positive()
    .max(DIALOG_OFFSET - 1)
    .optional(),
  name: z.string().trim().min(1).max(64),
  lastName: z.string().trim().min(1).max(64).optional(),
  username: z
    .string()
    .regex(/^[A-Za-z0-9_]{5,32}$/)
    .optional(),
  languageCode: z
    .string()
    .regex(/^[a-z]{2}$/)
    .default('ru'),
  phone: z.string().regex(E164_RU, 'phone must be +7XXXXXXXXXX').optional(),
});

/** Who is here: the bot, the people, a new person, and one person's chat as they see it. */
export function registerPeople(app: FastifyInstance, deps: PeopleApiDeps): void {
  const { world } = deps;

  app.get('/sandbox/api/bot', async () => ({ bot: world.bot }));

  app.get('/sandbox/api/people', async () => ({ people: world.people() }));

  app.post('/sandbox/api/people', async (req, reply) => {
    const body = personInput.safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const { name, id, ...rest } = body.data;
    const person = world.addPerson({ firstName: name, ...stripUndefined(rest) }, id);
    if (!person) return reply.code(409).send({ error: `a person with id ${id} already exists` });
    return reply.code(201).send({ person });
  });

  app.get<{ Params: { id: string } }>('/sandbox/api/people/:id/chat', async (req, reply) => {
    const found = withPerson(world, req.params.id, reply);
    if (!found) return reply;
    return {
      ...world.transcript(found.person.id),
      textButtons: textButtons(found.chat),
      commands: commandsFor(deps.commands, found.person.id, found.person.languageCode),
    };
  });
}

/** A person blocks or unblocks the bot, which the bot is told. */
export function registerBlocking(app: FastifyInstance, deps: PeopleApiDeps): void {
  const { world } = deps;

  for (const action of ['block', 'unblock'] as const) {
    app.post<{ Params: { id: string } }>(`/sandbox/api/people/:id/${action}`, async (req, reply) => {
      const found = withPerson(world, req.params.id, reply);
      if (!found) return reply;
      const blocked = action === 'block';
      if (found.person.blockedBot === blocked) return { person: found.person };
      found.person.blockedBot = blocked;
      deps.dialect.blockChanged(found.person, blocked);
      return { person: found.person };
    });
  }
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
