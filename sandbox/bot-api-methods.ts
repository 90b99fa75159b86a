import { randomInt } from 'node:crypto';
import type { BotCommand, InlineKeyboardButton } from 'grammy/types';
import { z } from 'zod';
import { FileStore, type StoredFile } from './files';
import type { SandboxRateLimiter } from './rate-limiter';
import { badRequest } from './telegram-error';
import type { UpdateQueue } from './update-queue';
import type { Chat, ChatEntry, ReplyMarkup, World } from './world';

export interface MethodContext {
  world: World;
  files: FileStore;
  updates: UpdateQueue;
  limiter: SandboxRateLimiter;
  commands: Map<string, BotCommand[]>;
  /** Files uploaded with this request, by multipart field name (`attach://<name>`). */
  uploads: Map<string, Buffer>;
}

type Params = Record<string, unknown>;
type Method = (params: Params, ctx: MethodContext) => unknown;

/** Multipart and query-string calls carry objects as JSON text. */
const json = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }, schema);
const flag = z.preprocess((v) => v === 'true' || v === true, z.boolean()).optional();
const int = z.coerce.number().int();
const chatId = z.union([int, z.string()]);

const button = z
  .object({ text: z.string().min(1), callback_data: z.string().optional(), url: z.url().optional() })
  .loose()
  .refine(
    (b) => b.callback_data === undefined || Buffer.byteLength(b.callback_data) <= 64,
    'BUTTON_DATA_INVALID',
  )
  .refine((b) => (b.callback_data === undefined) !== (b.url === undefined), 'BUTTON_TYPE_INVALID');
const replyMarkup = json(
  z.union([
    z.object({ inline_keyboard: z.array(z.array(button)) }),
    z
      .object({
        keyboard: z.array(
          z.array(
            z.union([
              z.string(),
              z.object({ text: z.string().min(1), request_contact: z.boolean().optional() }).loose(),
            ]),
          ),
        ),
      })
      .loose(),
    z.object({ remove_keyboard: z.literal(true) }).loose(),
    z.object({ force_reply: z.literal(true) }).loose(),
  ]),
)
  // The schema checks what the sandbox relies on; Telegram's own type describes the rest.
  .transform((markup) => markup as ReplyMarkup)
  .optional();
const commandScope = json(
  z.union([
    z.object({
      type: z.enum(['default', 'all_private_chats', 'all_group_chats', 'all_chat_administrators']),
    }),
    z.object({ type: z.enum(['chat', 'chat_administrators']), chat_id: chatId }),
    z.object({ type: z.literal('chat_member'), chat_id: chatId, user_id: int }),
  ]),
).optional();
const parseMode = z
  .undefined({ error: 'the sandbox renders plain text only: parse_mode is not supported' })
  .optional();

function parse<T extends z.ZodType>(schema: T, params: Params): z.infer<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.');
  const message = issue?.message ?? 'invalid request';
  if (message.includes('BUTTON_'))
    throw badRequest(message.includes('DATA') ? 'BUTTON_DATA_INVALID' : 'BUTTON_TYPE_INVALID');
  throw badRequest(field ? `${field}: ${message}` : message);
}

function checkText(text: string, limit: number, what: 'message text' | 'message caption'): void {
  if (text.trim() === '' && what === 'message text') throw badRequest('message text is empty');
  if (text.length > limit)
    throw badRequest(what === 'message text' ? 'message is too long' : 'message caption is too long');
}

function inlineKeyboard(markup: ReplyMarkup | undefined): InlineKeyboardButton[][] | undefined {
  return markup && 'inline_keyboard' in markup ? markup.inline_keyboard : undefined;
}

/** A photo given as an upload (`attach://x`) or as the file_id of one sent before. */
function resolvePhoto(ref: string, ctx: MethodContext): StoredFile {
  if (ref.startsWith('attach://')) {
    const bytes = ctx.uploads.get(ref.slice('attach://'.length));
    if (!bytes) throw badRequest('wrong file identifier/HTTP URL specified');
    return ctx.files.addPhoto(bytes);
  }
  if (/^https?:\/\//.test(ref))
    throw badRequest('failed to get HTTP URL content: the sandbox has no network');
  return ctx.files.get(ref);
}

function entryForBot(ctx: MethodContext, chat: Chat, entry: ChatEntry) {
  return ctx.world.toTelegram(
    chat,
    entry,
    entry.photo ? ctx.files.photoSizes(ctx.files.get(entry.photo.fileId)) : undefined,
  );
}

function editable(chat: Chat, messageId: number): ChatEntry {
  const entry = chat.messages.get(messageId);
  if (!entry) throw badRequest('message to edit not found');
  if (entry.from !== 'bot') throw badRequest("message can't be edited");
  return entry;
}

function sameMarkup(entry: ChatEntry, markup: ReplyMarkup | undefined): boolean {
  return JSON.stringify(entry.inlineKeyboard ?? null) === JSON.stringify(inlineKeyboard(markup) ?? null);
}

const messageRef = { chat_id: chatId, message_id: int };

export const methods: Record<string, Method> = {
  getMe: (_p, ctx) => ({
    ...ctx.world.bot,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  }),

  getUpdates: (p, ctx) => {
    const q = parse(
      z.object({
        offset: int.optional(),
        limit: int.min(1).max(100).default(100),
        timeout: int.min(0).max(50).default(0),
        allowed_updates: json(z.array(z.string())).optional(),
      }),
      p,
    );
    return ctx.updates.getUpdates(q.offset, q.limit, q.timeout);
  },

  setWebhook: (p, ctx) => {
    const q = parse(
      z.object({ url: z.string(), secret_token: z.string().optional(), drop_pending_updates: flag }),
      p,
    );
    if (q.url === '') ctx.updates.deleteWebhook(q.drop_pending_updates ?? false);
    else {
      if (!/^https?:\/\//.test(q.url))
        throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
      ctx.updates.setWebhook({ url: q.url, secretToken: q.secret_token }, q.drop_pending_updates ?? false);
    }
    return true;
  },

  deleteWebhook: (p, ctx) => {
    const q = parse(z.object({ drop_pending_updates: flag }), p);
    ctx.updates.deleteWebhook(q.drop_pending_updates ?? false);
    return true;
  },

  getWebhookInfo: (_p, ctx) => ctx.updates.webhookInfo(),

  sendMessage: (p, ctx) => {
    const q = parse(
      z
        .object({
          chat_id: chatId,
          text: z.string(),
          reply_markup: replyMarkup,
          protect_content: flag,
          parse_mode: parseMode,
        })
        .loose(),
      p,
    );
    checkText(q.text, 4096, 'message text');
    ctx.limiter.take();
    const chat = ctx.world.writableChat(q.chat_id);
    const keyboard = inlineKeyboard(q.reply_markup);
    const entry = ctx.world.append(chat, {
      from: 'bot',
      text: q.text,
      ...(keyboard ? { inlineKeyboard: keyboard } : {}),
      protectContent: q.protect_content ?? false,
    });
    ctx.world.setReplyKeyboard(chat, q.reply_markup);
    return entryForBot(ctx, chat, entry);
  },

  sendPhoto: (p, ctx) => {
    const q = parse(
      z
        .object({
          chat_id: chatId,
          photo: z.string({ error: 'there is no photo in the request' }),
          caption: z.string().optional(),
          reply_markup: replyMarkup,
          protect_content: flag,
          parse_mode: parseMode,
        })
        .loose(),
      p,
    );
    if (q.caption !== undefined) checkText(q.caption, 1024, 'message caption');
    ctx.limiter.take();
    const chat = ctx.world.writableChat(q.chat_id);
    const file = resolvePhoto(q.photo, ctx);
    const keyboard = inlineKeyboard(q.reply_markup);
    const entry = ctx.world.append(chat, {
      from: 'bot',
      photo: { fileId: file.fileId, width: file.width, height: file.height },
      ...(q.caption !== undefined ? { caption: q.caption } : {}),
      ...(keyboard ? { inlineKeyboard: keyboard } : {}),
      protectContent: q.protect_content ?? false,
    });
    ctx.world.setReplyKeyboard(chat, q.reply_markup);
    return entryForBot(ctx, chat, entry);
  },

  editMessageText: (p, ctx) => {
    const q = parse(
      z.object({ ...messageRef, text: z.string(), reply_markup: replyMarkup, parse_mode: parseMode }).loose(),
      p,
    );
    checkText(q.text, 4096, 'message text');
    ctx.limiter.take();
    const chat = ctx.world.writableChat(q.chat_id);
    const entry = editable(chat, q.message_id);
    if (entry.text === undefined) throw badRequest('there is no text in the message to edit');
    if (entry.text === q.text && sameMarkup(entry, q.reply_markup)) {
      throw badRequest(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    entry.text = q.text;
    setKeyboard(entry, q.reply_markup);
    ctx.world.edited(chat, entry);
    return entryForBot(ctx, chat, entry);
  },

  editMessageCaption: (p, ctx) => {
    const q = parse(
      z
        .object({
          ...messageRef,
          caption: z.string().optional(),
          reply_markup: replyMarkup,
          parse_mode: parseMode,
        })
        .loose(),
      p,
    );
    if (q.caption !== undefined) checkText(q.caption, 1024, 'message caption');
    ctx.limiter.take();
    const chat = ctx.world.writableChat(q.chat_id);
    const entry = editable(chat, q.message_id);
    if (!entry.photo) throw badRequest('there is no caption in the message to edit');
    if ((entry.caption ?? '') === (q.caption ?? '') && sameMarkup(entry, q.reply_markup)) {
      throw badRequest(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    setCaption(entry, q.caption);
    setKeyboard(entry, q.reply_markup);
    ctx.world.edited(chat, entry);
    return entryForBot(ctx, chat, entry);
  },

  editMessageMedia: (p, ctx) => {
    const q = parse(
      z
        .object({
          ...messageRef,
          media: json(
            z
              .object({
                type: z.literal('photo'),
                media: z.string(),
                caption: z.string().optional(),
                parse_mode: parseMode,
              })
              .loose(),
          ),
          reply_markup: replyMarkup,
        })
        .loose(),
      p,
    );
    if (q.media.caption !== undefined) checkText(q.media.caption, 1024, 'message caption');
    ctx.limiter.take();
    const chat = ctx.world.writableChat(q.chat_id);
    const entry = editable(chat, q.message_id);
    if (!entry.photo) throw badRequest('there is no media in the message to edit');
    const file = resolvePhoto(q.media.media, ctx);
    if (
      file.fileId === entry.photo.fileId &&
      (entry.caption ?? '') === (q.media.caption ?? '') &&
      sameMarkup(entry, q.reply_markup)
    ) {
      throw badRequest(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    entry.photo = { fileId: file.fileId, width: file.width, height: file.height };
    setCaption(entry, q.media.caption);
    setKeyboard(entry, q.reply_markup);
    ctx.world.edited(chat, entry);
    return entryForBot(ctx, chat, entry);
  },

  editMessageReplyMarkup: (p, ctx) => {
    const q = parse(z.object({ ...messageRef, reply_markup: replyMarkup }).loose(), p);
    ctx.limiter.take();
    const chat = ctx.world.writableChat(q.chat_id);
    const entry = editable(chat, q.message_id);
    if (sameMarkup(entry, q.reply_markup)) {
      throw badRequest(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    setKeyboard(entry, q.reply_markup);
    ctx.world.edited(chat, entry);
    return entryForBot(ctx, chat, entry);
  },

  deleteMessage: (p, ctx) => {
    const q = parse(z.object(messageRef).loose(), p);
    ctx.limiter.take();
    const chat = ctx.world.chatForBot(q.chat_id);
    if (!ctx.world.remove(chat, q.message_id)) throw badRequest('message to delete not found');
    return true;
  },

  answerCallbackQuery: (p, ctx) => {
    const q = parse(
      z
        .object({ callback_query_id: z.string(), text: z.string().max(200).optional(), show_alert: flag })
        .loose(),
      p,
    );
    ctx.world.answerCallback(q.callback_query_id, q.text, q.show_alert ?? false);
    return true;
  },

  setMyCommands: (p, ctx) => {
    const q = parse(
      z.object({
        commands: json(
          z
            .array(
              z.object({
                command: z.string().regex(/^[a-z0-9_]{1,32}$/, 'BOT_COMMAND_INVALID'),
                description: z.string().min(1).max(256),
              }),
            )
            .max(100),
        ),
        scope: commandScope,
        language_code: z.string().optional(),
      }),
      p,
    );
    ctx.commands.set(commandKey(q.scope, q.language_code), q.commands);
    return true;
  },

  getMyCommands: (p, ctx) => {
    const q = parse(z.object({ scope: commandScope, language_code: z.string().optional() }), p);
    return ctx.commands.get(commandKey(q.scope, q.language_code)) ?? [];
  },

  deleteMyCommands: (p, ctx) => {
    const q = parse(z.object({ scope: commandScope, language_code: z.string().optional() }), p);
    ctx.commands.delete(commandKey(q.scope, q.language_code));
    return true;
  },

  getFile: (p, ctx) => {
    const q = parse(z.object({ file_id: z.string() }), p);
    const file = ctx.files.get(q.file_id);
    return {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_size: file.bytes.length,
      file_path: FileStore.filePath(file),
    };
  },
};

function setCaption(entry: ChatEntry, caption: string | undefined): void {
  if (caption === undefined) delete entry.caption;
  else entry.caption = caption;
}

/** An edit without reply_markup removes the inline keyboard, as on Telegram. */
function setKeyboard(entry: ChatEntry, markup: ReplyMarkup | undefined): void {
  const keyboard = inlineKeyboard(markup);
  if (keyboard) entry.inlineKeyboard = keyboard;
  else delete entry.inlineKeyboard;
}

type Scope = z.infer<typeof commandScope>;

export function commandKey(scope: Scope, languageCode: string | undefined): string {
  const s = scope ?? { type: 'default' };
  const target = 'chat_id' in s ? `:${s.chat_id}${'user_id' in s ? `:${s.user_id}` : ''}` : '';
  return `${s.type}${target}|${languageCode ?? ''}`;
}

/**
 * The commands a person sees in their menu, resolved as Telegram does: the most specific
 * scope first, each with the person's language before the default language.
 */
export function commandsFor(
  commands: Map<string, BotCommand[]>,
  chatId: number,
  languageCode: string,
): BotCommand[] {
  const scopes: Scope[] = [
    { type: 'chat', chat_id: chatId },
    { type: 'all_private_chats' },
    { type: 'default' },
  ];
  for (const scope of scopes) {
    for (const lang of [languageCode, undefined]) {
      const found = commands.get(commandKey(scope, lang));
      if (found) return found;
    }
  }
  return [];
}

export function newCallbackQueryId(): string {
  return String(randomInt(1, 2 ** 48));
}
