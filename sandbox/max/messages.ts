import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Chat, ChatEntry } from '../world';
import {
  type AttachmentRequest,
  int64,
  type MaxApiDeps,
  type NewMessageBody,
  newMessageBody,
  parseMax,
} from './context';
import { MAX_CODE, MaxApiError, maxBadRequest, maxNotFound } from './errors';
import { chatByMaxId, parseMid } from './ids';
import { fromMaxButtons, toMax } from './render';

type Content = Pick<ChatEntry, 'text' | 'caption' | 'photo' | 'inlineKeyboard'>;

/** `POST|PUT|DELETE /messages` and `POST /answers`: what the bot sends, edits, deletes and answers. */
export function registerMaxMessages(app: FastifyInstance, deps: MaxApiDeps): void {
  const { world } = deps;

  app.post('/messages', async (req) => {
    const q = parseMax(z.object({ user_id: int64.optional(), chat_id: int64.optional() }).loose(), req.query);
    const body = parseMax(newMessageBody, req.body);
    const chat = world.chatForNewMessage(recipient(deps, q).id);
    const content = contentOf(deps, body);
    if (content.text === undefined && !content.photo)
      throw maxBadRequest('text: a message needs text or an image');
    const entry = world.append(chat, { from: 'bot', ...content, protectContent: false });
    return { message: toMax(world, chat, entry, deps.origin()) };
  });

  app.put('/messages', async (req) => {
    const { chat, entry } = botMessage(deps, req.query);
    await world.chatForEdit(chat.id);
    edit(deps, chat, entry, parseMax(newMessageBody, req.body));
    return { success: true };
  });

  app.delete('/messages', async (req) => {
    const { chat, entry } = botMessage(deps, req.query);
    // Whoever blocked the bot is out of its reach: no edit, no deletion.
    world.writableChat(chat.id);
    world.remove(chat, entry.messageId);
    return { success: true };
  });

  app.post('/answers', async (req) => {
    const q = parseMax(z.object({ callback_id: z.string().min(1) }).loose(), req.query);
    const body = parseMax(
      z.object({ message: newMessageBody.nullish(), notification: z.string().nullish() }).loose(),
      req.body,
    );
    const source = world.callbackSource(q.callback_id);
    if (!source) throw maxNotFound(`Callback ${q.callback_id} not found`);
    world.answerCallback(q.callback_id, body.notification ?? undefined, false);
    if (body.message && source.entry) {
      await world.chatForEdit(source.chat.id);
      edit(deps, source.chat, source.entry, body.message);
    }
    return { success: true };
  });
}

function recipient(
  deps: MaxApiDeps,
  q: { user_id?: number | undefined; chat_id?: number | undefined },
): Chat {
  if (q.user_id !== undefined) {
    const person = deps.world.person(q.user_id);
    if (!person) throw maxNotFound(`User ${q.user_id} not found`);
    return deps.world.chatOf(person.id);
  }
  if (q.chat_id === undefined) throw maxBadRequest('user_id or chat_id is required');
  const chat = chatByMaxId(deps.world, q.chat_id);
  if (!chat) throw maxNotFound(`Chat ${q.chat_id} not found`);
  return chat;
}

function botMessage(deps: MaxApiDeps, query: unknown): { chat: Chat; entry: ChatEntry } {
  const q = parseMax(z.object({ message_id: z.string().min(1) }).loose(), query);
  const { chat, messageId } = parseMid(deps.world, q.message_id);
  const entry = chat.messages.get(messageId) as ChatEntry;
  if (entry.from !== 'bot')
    throw new MaxApiError(403, MAX_CODE.denied, 'The bot can only change its own messages');
  return { chat, entry };
}

/** An edit as the schema says: absent text keeps it; attachments null keep, [] clear, a list replaces. */
function edit(deps: MaxApiDeps, chat: Chat, entry: ChatEntry, body: NewMessageBody): void {
  const content = contentOf(deps, body, entry);
  if (content.text === undefined && !content.photo)
    throw maxBadRequest('text: a message needs text or an image');
  delete entry.text;
  delete entry.caption;
  delete entry.photo;
  delete entry.inlineKeyboard;
  Object.assign(entry, content);
  deps.world.edited(chat, entry);
}

/** The entry's fields for a message body, starting from `current` on an edit. */
function contentOf(deps: MaxApiDeps, body: NewMessageBody, current?: ChatEntry): Content {
  const text = body.text ?? (current?.photo ? current.caption : current?.text);
  let photo = current?.photo;
  let keyboard = current?.inlineKeyboard;
  if (body.attachments) {
    photo = undefined;
    keyboard = undefined;
    for (const attachment of body.attachments) {
      if (attachment.type === 'image') photo = image(deps, attachment.payload);
      else keyboard = fromMaxButtons(attachment.payload.buttons, miniApp(deps));
    }
  }
  const words = text === undefined ? {} : photo ? { caption: text } : { text };
  return { ...words, ...(photo ? { photo } : {}), ...(keyboard ? { inlineKeyboard: keyboard } : {}) };
}

function miniApp(deps: MaxApiDeps) {
  return { botName: deps.world.bot.username ?? '', url: deps.miniAppUrl() ?? '' };
}

function image(deps: MaxApiDeps, payload: Extract<AttachmentRequest, { type: 'image' }>['payload']) {
  if ('url' in payload) throw maxBadRequest('image.url: the sandbox has no network; upload the image');
  const token = 'token' in payload ? payload.token : Object.values(payload.photos)[0]?.token;
  const file = token === undefined ? undefined : deps.files.find(token);
  if (!token || !file) throw maxBadRequest(`image: unknown token ${token ?? ''}`);
  if ((deps.readyAt.get(token) ?? 0) > Date.now())
    throw new MaxApiError(400, MAX_CODE.notReady, 'Key: errors.process.attachment.file.not.processed');
  return { fileId: file.fileId, width: file.width, height: file.height };
}
