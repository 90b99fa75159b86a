import type { InlineKeyboardButton } from 'grammy/types';
import { z } from 'zod';
import type { StoredFile } from '../../files';
import type { Chat, ChatEntry, ReplyMarkup } from '../../world';
import { entryToTelegram } from '../render';
import { badRequest } from '../telegram-error';
import {
  chatId,
  flag,
  json,
  type Method,
  type MethodContext,
  messageRef,
  parse,
  parseMode,
  replyMarkup,
} from './params';

/** What the bot sends, edits and deletes, with Telegram's refusals word for word. */
export const messageMethods: Record<string, Method> = {
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
    const chat = ctx.world.chatForNewMessage(q.chat_id);
    refuseAppButtonsOutsidePrivate(chat, q.reply_markup);
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
    const chat = ctx.world.chatForNewMessage(q.chat_id);
    refuseAppButtonsOutsidePrivate(chat, q.reply_markup);
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

  editMessageText: async (p, ctx) => {
    const q = parse(
      z.object({ ...messageRef, text: z.string(), reply_markup: replyMarkup, parse_mode: parseMode }).loose(),
      p,
    );
    checkText(q.text, 4096, 'message text');
    ctx.limiter.take();
    const chat = await ctx.world.chatForEdit(q.chat_id);
    refuseAppButtonsOutsidePrivate(chat, q.reply_markup);
    const entry = editable(chat, q.message_id);
    if (entry.text === undefined) throw badRequest('there is no text in the message to edit');
    if (entry.text === q.text && sameMarkup(entry, q.reply_markup)) throw notModified();
    entry.text = q.text;
    setKeyboard(entry, q.reply_markup);
    ctx.world.edited(chat, entry);
    return entryForBot(ctx, chat, entry);
  },

  editMessageCaption: async (p, ctx) => {
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
    const chat = await ctx.world.chatForEdit(q.chat_id);
    refuseAppButtonsOutsidePrivate(chat, q.reply_markup);
    const entry = editable(chat, q.message_id);
    if (!entry.photo) throw badRequest('there is no caption in the message to edit');
    if ((entry.caption ?? '') === (q.caption ?? '') && sameMarkup(entry, q.reply_markup)) throw notModified();
    setCaption(entry, q.caption);
    setKeyboard(entry, q.reply_markup);
    ctx.world.edited(chat, entry);
    return entryForBot(ctx, chat, entry);
  },

  editMessageMedia: async (p, ctx) => {
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
    const chat = await ctx.world.chatForEdit(q.chat_id);
    refuseAppButtonsOutsidePrivate(chat, q.reply_markup);
    const entry = editable(chat, q.message_id);
    if (!entry.photo) throw badRequest('there is no media in the message to edit');
    const file = resolvePhoto(q.media.media, ctx);
    if (
      file.fileId === entry.photo.fileId &&
      (entry.caption ?? '') === (q.media.caption ?? '') &&
      sameMarkup(entry, q.reply_markup)
    ) {
      throw notModified();
    }
    entry.photo = { fileId: file.fileId, width: file.width, height: file.height };
    setCaption(entry, q.media.caption);
    setKeyboard(entry, q.reply_markup);
    ctx.world.edited(chat, entry);
    return entryForBot(ctx, chat, entry);
  },

  editMessageReplyMarkup: async (p, ctx) => {
    const q = parse(z.object({ ...messageRef, reply_markup: replyMarkup }).loose(), p);
    ctx.limiter.take();
    const chat = await ctx.world.chatForEdit(q.chat_id);
    refuseAppButtonsOutsidePrivate(chat, q.reply_markup);
    const entry = editable(chat, q.message_id);
    if (sameMarkup(entry, q.reply_markup)) throw notModified();
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
};

function checkText(text: string, limit: number, what: 'message text' | 'message caption'): void {
  if (text.trim() === '' && what === 'message text') throw badRequest('message text is empty');
  if (text.length > limit)
    throw badRequest(what === 'message text' ? 'message is too long' : 'message caption is too long');
}

/**
 * Telegram takes a `web_app` button only in a private chat with the bot [Bot API,
 * InlineKeyboardButton.web_app], and answers one sent to a group `BUTTON_TYPE_INVALID`.
 */
function refuseAppButtonsOutsidePrivate(chat: Chat, markup: ReplyMarkup | undefined): void {
  if (chat.kind !== 'private' && inlineKeyboard(markup)?.some((row) => row.some((b) => 'web_app' in b)))
    throw badRequest('BUTTON_TYPE_INVALID');
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
  return entryToTelegram(ctx.world, ctx.files, chat, entry);
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

/** Telegram refuses an edit that changes nothing, which is how a bot learns it edited in vain. */
function notModified() {
  return badRequest(
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  );
}

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
