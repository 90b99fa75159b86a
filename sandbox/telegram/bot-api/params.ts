import type { BotCommand } from 'grammy/types';
import { z } from 'zod';
import type { FileStore } from '../../files';
import type { SandboxRateLimiter } from '../../rate-limiter';
import type { ReplyMarkup, World } from '../../world';
import { badRequest } from '../telegram-error';
import type { UpdateQueue } from '../update-queue';

export interface MethodContext {
  world: World;
  files: FileStore;
  updates: UpdateQueue;
  limiter: SandboxRateLimiter;
  commands: Map<string, BotCommand[]>;
  /** Files uploaded with this request, by multipart field name (`attach://<name>`). */
  uploads: Map<string, Buffer>;
}

export type Params = Record<string, unknown>;
export type Method = (params: Params, ctx: MethodContext) => unknown;

/** Multipart and query-string calls carry objects as JSON text. */
export const json = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }, schema);
export const flag = z.preprocess((v) => v === 'true' || v === true, z.boolean()).optional();
export const int = z.coerce.number().int();
export const chatId = z.union([int, z.string()]);
export const messageRef = { chat_id: chatId, message_id: int };

const button = z
  .object({
    text: z.string().min(1),
    callback_data: z.string().optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
    // Telegram takes only https Mini Apps; the sandbox serves a local service over http too.
    web_app: z.object({ url: z.url({ protocol: /^https?$/ }) }).optional(),
  })
  .loose()
  .refine(
    (b) => b.callback_data === undefined || Buffer.byteLength(b.callback_data) <= 64,
    'BUTTON_DATA_INVALID',
  )
  .refine(
    (b) => [b.callback_data, b.url, b.web_app].filter((kind) => kind !== undefined).length === 1,
    'BUTTON_TYPE_INVALID',
  );
export const replyMarkup = json(
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
export const parseMode = z
  .undefined({ error: 'the sandbox renders plain text only: parse_mode is not supported' })
  .optional();

/** The parameters as the schema reads them, or the 400 Telegram answers for the first problem. */
export function parse<T extends z.ZodType>(schema: T, params: Params): z.infer<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.');
  const message = issue?.message ?? 'invalid request';
  if (message.includes('BUTTON_'))
    throw badRequest(message.includes('DATA') ? 'BUTTON_DATA_INVALID' : 'BUTTON_TYPE_INVALID');
  throw badRequest(field ? `${field}: ${message}` : message);
}
