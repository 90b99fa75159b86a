import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { FileStore } from '../../files';
import { badRequest } from '../telegram-error';
import { commandMethods } from './commands';
import { messageMethods } from './messages';
import { flag, int, json, type Method, parse } from './params';

/** Who the bot is, how it gets updates, and what it answers besides messages. */
const botMethods: Record<string, Method> = {
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

/** Every Bot API method the sandbox answers, by name; any other is Telegram's 404. */
export const methods: Record<string, Method> = { ...botMethods, ...messageMethods, ...commandMethods };

export function newCallbackQueryId(): string {
  return String(randomInt(1, 2 ** 48));
}
