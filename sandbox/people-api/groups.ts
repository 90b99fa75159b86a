import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { GroupChat, Person, World } from '../world';
import { callbackInput, press } from './buttons';
import { invalid, type PeopleApiDeps, personSays } from './context';

type GroupRoute = { Params: { id: string } };

const groupInput = z.object({
  title: z.string().trim().min(1).max(128),
  type: z.enum(['group', 'supergroup']).default('group'),
  members: z.array(z.number().int().positive()).min(1).max(200),
});

/** Group chats with the bot in them: made of known people, who write and tap there. */
export function registerGroups(app: FastifyInstance, deps: PeopleApiDeps): void {
  const { world } = deps;

  app.post('/sandbox/api/groups', async (req, reply) => {
    const body = groupInput.safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const unknown = body.data.members.filter((id) => !world.person(id));
    if (unknown.length > 0) return reply.code(404).send({ error: `no person with id ${unknown.join(', ')}` });
    const group = world.addGroup(body.data);
    const chat = world.groupChat(group.id) as GroupChat;
    // The first member added the bot, which the bot is told.
    deps.dialect.addedToGroup(chat, world.person(group.members[0] as number) as Person);
    return reply.code(201).send({ group });
  });

  app.get<GroupRoute>('/sandbox/api/groups/:id/chat', async (req, reply) => {
    if (!world.groupChat(Number(req.params.id)))
      return reply.code(404).send({ error: `no group with id ${req.params.id}` });
    return world.groupTranscript(Number(req.params.id));
  });

  app.post<GroupRoute>('/sandbox/api/groups/:id/messages', async (req, reply) => {
    const body = z
      .object({ from: z.number().int().positive(), text: z.string().min(1).max(4096) })
      .safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const found = withMember(world, req.params.id, body.data.from, reply);
    if (!found) return reply;
    const result = personSays(deps, found.chat, {
      from: 'person',
      senderId: found.person.id,
      text: body.data.text,
      protectContent: false,
    });
    return reply.code(201).send(result);
  });

  app.post<GroupRoute>('/sandbox/api/groups/:id/callbacks', async (req, reply) => {
    const body = callbackInput.extend({ from: z.number().int().positive() }).safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const found = withMember(world, req.params.id, body.data.from, reply);
    if (!found) return reply;
    return press(deps, found.chat, found.person, body.data, reply);
  });
}

/** The group and the member acting in it, or null once a 4xx saying why not is sent. */
function withMember(world: World, groupId: string, personId: number, reply: FastifyReply) {
  const chat = world.groupChat(Number(groupId));
  if (!chat) {
    void reply.code(404).send({ error: `no group with id ${groupId}` });
    return null;
  }
  const person = world.person(personId);
  if (!person || !chat.group.members.includes(person.id)) {
    void reply.code(403).send({ error: `person ${personId} is not a member of this group` });
    return null;
  }
  return { chat, person };
}
