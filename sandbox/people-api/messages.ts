import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FileStore } from '../files';
import type { Chat, Person } from '../world';
import { invalid, type PeopleApiDeps, personSays, withPerson } from './context';

type PersonRoute = { Params: { id: string } };

/** What a person writes in their chat with the bot: text, a photo, and deleting their own message. */
export function registerPersonMessages(app: FastifyInstance, deps: PeopleApiDeps): void {
  const { world } = deps;

  app.post<PersonRoute>('/sandbox/api/people/:id/messages', async (req, reply) => {
    const found = withPerson(world, req.params.id, reply);
    if (!found) return reply;
    const body = z.object({ text: z.string().min(1).max(4096) }).safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    return reply.code(201).send(sayText(deps, found.chat, body.data.text));
  });

  app.post<PersonRoute>('/sandbox/api/people/:id/photos', async (req, reply) => {
    const found = withPerson(world, req.params.id, reply);
    if (!found) return reply;
    const upload = await readPhoto(req, reply);
    if (!upload) return reply;
    let file: ReturnType<FileStore['addPhoto']>;
    try {
      file = deps.files.addPhoto(upload.bytes);
    } catch {
      return reply.code(400).send({ error: 'the file is not an image' });
    }
    const result = personSays(deps, found.chat, {
      from: 'person',
      photo: { fileId: file.fileId, width: file.width, height: file.height },
      ...(upload.caption ? { caption: upload.caption } : {}),
      protectContent: false,
    });
    return reply.code(201).send(result);
  });

  app.delete<{ Params: { id: string; messageId: string } }>(
    '/sandbox/api/people/:id/messages/:messageId',
    async (req, reply) => {
      const found = withPerson(world, req.params.id, reply);
      if (!found) return reply;
      const entry = found.chat.messages.get(Number(req.params.messageId));
      if (!entry) return reply.code(404).send({ error: 'no such message' });
      // A person may delete anything in a private chat; the bot is not told (as on Telegram).
      world.remove(found.chat, entry.messageId);
      return reply.code(204).send();
    },
  );
}

/** The photo's bytes and caption, multipart (the page) or base64 JSON (tests); null once a 400 is sent. */
async function readPhoto(
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<{ bytes: Buffer; caption: string | undefined } | null> {
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
    if (!body.success) {
      void invalid(reply, body.error);
      return null;
    }
    bytes = Buffer.from(body.data.base64, 'base64');
    caption = body.data.caption;
  }
  if (!bytes || bytes.length === 0) {
    void reply.code(400).send({ error: 'no image in the request' });
    return null;
  }
  return { bytes, caption };
}

/** A person shares a contact: their own number (the reply-keyboard button) or someone else's. */
export function registerContactSharing(app: FastifyInstance, deps: PeopleApiDeps): void {
  const contactInput = z.object({
    phone: z.string().min(3).max(32).optional(),
    firstName: z.string().min(1).max(64).optional(),
    lastName: z.string().min(1).max(64).optional(),
    userId: z.number().int().positive().optional(),
  });

  app.post<PersonRoute>('/sandbox/api/people/:id/contact', async (req, reply) => {
    const found = withPerson(deps.world, req.params.id, reply);
    if (!found) return reply;
    const body = contactInput.safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    if (body.data.phone === undefined && !found.person.phone)
      return reply.code(400).send({ error: NO_PHONE });
    return reply.code(201).send(shareContact(deps, found, body.data));
  });
}

export const NO_PHONE = 'this person has no phone number to share; give one when creating them';

/** The person writes `text`; a reply-keyboard button with that text counts as used. */
export function sayText(deps: PeopleApiDeps, chat: Chat, text: string) {
  const keyboard = chat.replyKeyboard;
  const result = personSays(deps, chat, { from: 'person', text, protectContent: false });
  if (keyboard?.keyboard.flat().some((b) => (typeof b === 'string' ? b : b.text) === text)) {
    deps.world.usedReplyKeyboard(chat);
  }
  return result;
}

/** Their own card (no `phone`; the person must have one) or someone else's. */
export function shareContact(
  deps: PeopleApiDeps,
  { person, chat }: { person: Person; chat: Chat },
  card: {
    phone?: string | undefined;
    firstName?: string | undefined;
    lastName?: string | undefined;
    userId?: number | undefined;
  },
) {
  const own = card.phone === undefined;
  // Telegram clients send the number without "+", which is what a bot must cope with.
  const phoneNumber = own ? (person.phone as string).replace(/^\+/, '') : (card.phone as string);
  const contact = {
    phoneNumber,
    firstName: card.firstName ?? (own ? person.firstName : 'Contact'),
    ...(own && person.lastName ? { lastName: person.lastName } : {}),
    ...(card.lastName ? { lastName: card.lastName } : {}),
    ...(own ? { userId: person.id } : card.userId ? { userId: card.userId } : {}),
  };
  const result = personSays(deps, chat, { from: 'person', contact, protectContent: false });
  if (own) deps.world.usedReplyKeyboard(chat);
  return result;
}
