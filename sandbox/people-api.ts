import type { FastifyInstance, FastifyReply } from 'fastify';
import type { BotCommand, Update } from 'grammy/types';
import { z } from 'zod';
import { E164_RU } from '../core/identity/phone';
import { commandsFor } from './bot-api/commands';
import { newCallbackQueryId } from './bot-api/methods';
import type { FileStore } from './files';
import type { SandboxRateLimiter } from './rate-limiter';
import type { UpdateQueue } from './update-queue';
import {
  type Chat,
  type ChatEntry,
  type GroupChat,
  nowSeconds,
  type Person,
  personUser,
  type Stamped,
  telegramChat,
  type World,
} from './world';

export interface PeopleApiDeps {
  world: World;
  files: FileStore;
  updates: UpdateQueue;
  limiter: SandboxRateLimiter;
  commands: Map<string, BotCommand[]>;
}

const personInput = z.object({
  /** A chosen user id (for ADMIN_IDS); a random one, like Telegram's, when left out. */
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
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

/**
 * The other side of the chat: simulated people who write, tap, share and block, and the
 * SMS inbox the service's gateway posts to. Errors are `{ error }` with a 4xx status.
 */
export async function registerPeopleApi(app: FastifyInstance, deps: PeopleApiDeps): Promise<void> {
  const { world, updates } = deps;

  const withPerson = (id: string, reply: FastifyReply): { person: Person; chat: Chat } | null => {
    const person = world.person(Number(id));
    if (!person) {
      void reply.code(404).send({ error: `no person with id ${id}` });
      return null;
    }
    return { person, chat: world.chatOf(person.id) };
  };

  /** What the person sends becomes an update for the bot; a blocked bot hears nothing. */
  const personSays = (chat: Chat, entry: Omit<ChatEntry, Stamped>, photo?: string) => {
    const sent = world.append(chat, entry);
    if (chat.kind === 'private' && chat.person.blockedBot)
      return { messageId: sent.messageId, updateId: null };
    const sizes = photo ? deps.files.photoSizes(deps.files.get(photo)) : undefined;
    const update = updates.push((update_id) => ({ update_id, message: world.toTelegram(chat, sent, sizes) }));
    return { messageId: sent.messageId, updateId: update.update_id };
  };

  const invalid = (reply: FastifyReply, error: z.ZodError) =>
    reply
      .code(400)
      .send({ error: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });

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
    const found = withPerson(req.params.id, reply);
    if (!found) return reply;
    return {
      ...world.transcript(found.person.id),
      commands: commandsFor(deps.commands, found.person.id, found.person.languageCode),
    };
  });

  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/messages', async (req, reply) => {
    const found = withPerson(req.params.id, reply);
    if (!found) return reply;
    const body = z.object({ text: z.string().min(1).max(4096) }).safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const keyboard = found.chat.replyKeyboard;
    const result = personSays(found.chat, { from: 'person', text: body.data.text, protectContent: false });
    if (keyboard?.keyboard.flat().some((b) => (typeof b === 'string' ? b : b.text) === body.data.text)) {
      world.usedReplyKeyboard(found.chat);
    }
    return reply.code(201).send(result);
  });

  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/photos', async (req, reply) => {
    const found = withPerson(req.params.id, reply);
    if (!found) return reply;
    let bytes: Buffer | undefined;
    let caption: string | undefined;
    if (req.isMultipart()) {
      for await (const part of req.parts()) {
        if (part.type === 'file') bytes = await part.toBuffer();
        else if (part.fieldname === 'caption') caption = String(part.value);
      }
    } else {
      const body = z
        .object({ base64: z.string().min(1), caption: z.string().max(1024).optional() })
        .safeParse(req.body ?? {});
      if (!body.success) return invalid(reply, body.error);
      bytes = Buffer.from(body.data.base64, 'base64');
      caption = body.data.caption;
    }
    if (!bytes || bytes.length === 0) return reply.code(400).send({ error: 'no image in the request' });
    let file: ReturnType<FileStore['addPhoto']>;
    try {
      file = deps.files.addPhoto(bytes);
    } catch {
      return reply.code(400).send({ error: 'the file is not an image' });
    }
    const result = personSays(
      found.chat,
      {
        from: 'person',
        photo: { fileId: file.fileId, width: file.width, height: file.height },
        ...(caption ? { caption } : {}),
        protectContent: false,
      },
      file.fileId,
    );
    return reply.code(201).send(result);
  });

  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/contact', async (req, reply) => {
    const found = withPerson(req.params.id, reply);
    if (!found) return reply;
    const body = z
      .object({
        phone: z.string().min(3).max(32).optional(),
        firstName: z.string().min(1).max(64).optional(),
        lastName: z.string().min(1).max(64).optional(),
        userId: z.number().int().positive().optional(),
      })
      .safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const own = body.data.phone === undefined;
    if (own && !found.person.phone) {
      return reply
        .code(400)
        .send({ error: 'this person has no phone number to share; give one when creating them' });
    }
    // Telegram clients send the number without "+", which is what a bot must cope with.
    const phoneNumber = own ? (found.person.phone as string).replace(/^\+/, '') : (body.data.phone as string);
    const contact = {
      phoneNumber,
      firstName: body.data.firstName ?? (own ? found.person.firstName : 'Contact'),
      ...(own && found.person.lastName ? { lastName: found.person.lastName } : {}),
      ...(body.data.lastName ? { lastName: body.data.lastName } : {}),
      ...(own ? { userId: found.person.id } : body.data.userId ? { userId: body.data.userId } : {}),
    };
    const result = personSays(found.chat, { from: 'person', contact, protectContent: false });
    if (own) world.usedReplyKeyboard(found.chat);
    return reply.code(201).send(result);
  });

  const callbackInput = z.object({
    messageId: z.number().int().positive(),
    data: z.string().min(1).max(64),
    /** Sends data no button carries, as a tampered client could. */
    forge: z.boolean().default(false),
  });

  /** A person taps an inline button of a bot message in a chat: a real `callback_query`. */
  const press = (chat: Chat, presser: Person, input: z.infer<typeof callbackInput>, reply: FastifyReply) => {
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
    world.openCallback(chat, { callbackQueryId, messageId, data, answered: false });
    const photo = entry.photo ? deps.files.photoSizes(deps.files.get(entry.photo.fileId)) : undefined;
    const update = updates.push((update_id) => ({
      update_id,
      callback_query: {
        id: callbackQueryId,
        from: personUser(presser),
        message: world.toTelegram(chat, entry, photo),
        chat_instance: String(chat.id),
        data,
      },
    }));
    return reply.code(201).send({ callbackQueryId, updateId: update.update_id });
  };

  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/callbacks', async (req, reply) => {
    const found = withPerson(req.params.id, reply);
    if (!found) return reply;
    const body = callbackInput.safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    return press(found.chat, found.person, body.data, reply);
  });

  app.delete<{ Params: { id: string; messageId: string } }>(
    '/sandbox/api/people/:id/messages/:messageId',
    async (req, reply) => {
      const found = withPerson(req.params.id, reply);
      if (!found) return reply;
      const entry = found.chat.messages.get(Number(req.params.messageId));
      if (!entry) return reply.code(404).send({ error: 'no such message' });
      // A person may delete anything in a private chat; the bot is not told (as on Telegram).
      world.remove(found.chat, entry.messageId);
      return reply.code(204).send();
    },
  );

  // A fault on purpose: the bot's next sending call to this chat answers 400.
  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/refuse-next-send', async (req, reply) => {
    const found = withPerson(req.params.id, reply);
    if (!found) return reply;
    found.chat.refusals += 1;
    return { refusals: found.chat.refusals };
  });

  for (const action of ['block', 'unblock'] as const) {
    app.post<{ Params: { id: string } }>(`/sandbox/api/people/:id/${action}`, async (req, reply) => {
      const found = withPerson(req.params.id, reply);
      if (!found) return reply;
      const blocked = action === 'block';
      if (found.person.blockedBot === blocked) return { person: found.person };
      found.person.blockedBot = blocked;
      const member = (status: 'member' | 'kicked') => ({
        status,
        user: world.bot,
        ...(status === 'kicked' ? { until_date: 0 } : {}),
      });
      updates.push(
        (update_id) =>
          ({
            update_id,
            my_chat_member: {
              chat: { id: found.person.id, type: 'private', first_name: found.person.firstName },
              from: personUser(found.person),
              date: nowSeconds(),
              old_chat_member: member(blocked ? 'member' : 'kicked'),
              new_chat_member: member(blocked ? 'kicked' : 'member'),
            },
          }) as Update,
      );
      return { person: found.person };
    });
  }

  /** The group and the member acting in it, or a 4xx reply saying why not. */
  const withMember = (groupId: string, personId: number, reply: FastifyReply) => {
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
  };

  app.post('/sandbox/api/groups', async (req, reply) => {
    const body = z
      .object({
        title: z.string().trim().min(1).max(128),
        type: z.enum(['group', 'supergroup']).default('group'),
        members: z.array(z.number().int().positive()).min(1).max(200),
      })
      .safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const unknown = body.data.members.filter((id) => !world.person(id));
    if (unknown.length > 0) return reply.code(404).send({ error: `no person with id ${unknown.join(', ')}` });
    const group = world.addGroup(body.data);
    const chat = world.groupChat(group.id) as GroupChat;
    // The first member added the bot, which Telegram tells the bot with my_chat_member.
    const adder = world.person(group.members[0] as number) as Person;
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
    return reply.code(201).send({ group });
  });

  app.get<{ Params: { id: string } }>('/sandbox/api/groups/:id/chat', async (req, reply) => {
    if (!world.groupChat(Number(req.params.id)))
      return reply.code(404).send({ error: `no group with id ${req.params.id}` });
    return world.groupTranscript(Number(req.params.id));
  });

  app.post<{ Params: { id: string } }>('/sandbox/api/groups/:id/messages', async (req, reply) => {
    const body = z
      .object({ from: z.number().int().positive(), text: z.string().min(1).max(4096) })
      .safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const found = withMember(req.params.id, body.data.from, reply);
    if (!found) return reply;
    const result = personSays(found.chat, {
      from: 'person',
      senderId: found.person.id,
      text: body.data.text,
      protectContent: false,
    });
    return reply.code(201).send(result);
  });

  app.post<{ Params: { id: string } }>('/sandbox/api/groups/:id/callbacks', async (req, reply) => {
    const body = callbackInput.extend({ from: z.number().int().positive() }).safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const found = withMember(req.params.id, body.data.from, reply);
    if (!found) return reply;
    return press(found.chat, found.person, body.data, reply);
  });

  app.post<{ Params: { updateId: string } }>(
    '/sandbox/api/updates/:updateId/redeliver',
    async (req, reply) => {
      if (!updates.redeliver(Number(req.params.updateId)))
        return reply.code(404).send({ error: 'no such update' });
      return reply.code(202).send({ redelivered: Number(req.params.updateId) });
    },
  );

  app.get('/sandbox/api/settings', async () => ({ ratePerSecond: deps.limiter.limit }));

  app.put('/sandbox/api/settings', async (req, reply) => {
    const body = z.object({ ratePerSecond: z.number().int().min(0) }).safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    deps.limiter.setLimit(body.data.ratePerSecond);
    return { ratePerSecond: deps.limiter.limit };
  });

  app.post('/sandbox/api/sms', async (req, reply) => {
    const body = z
      .object({ to: z.string().regex(E164_RU, 'to must be +7XXXXXXXXXX'), text: z.string().min(1).max(1000) })
      .safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    return reply.code(201).send({ id: world.receiveSms(body.data.to, body.data.text).id });
  });

  app.get<{ Querystring: { to?: string } }>('/sandbox/api/sms', async (req) => ({
    messages: world.smsInbox(req.query.to),
  }));
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
