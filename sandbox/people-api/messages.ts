import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FileStore } from '../files';
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
    const keyboard = found.chat.replyKeyboard;
    const result = personSays(deps, found.chat, {
      from: 'person',
      text: body.data.text,
      protectContent: false,
    });
    if (keyboard?.keyboard.flat().some((b) => (typeof b === 'string' ? b : b.text) === body.data.text)) {
      world.usedReplyKeyboard(found.chat);
    }
    return reply.code(201).send(result);
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
    const result = personSays(deps, found.chat, { from: 'person', contact, protectContent: false });
    if (own) deps.world.usedReplyKeyboard(found.chat);
    return reply.code(201).send(result);
  });
}
