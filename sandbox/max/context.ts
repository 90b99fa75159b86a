import type { BotCommand } from 'grammy/types';
import { z } from 'zod';
import type { FileStore } from '../files';
import type { SandboxRateLimiter } from '../rate-limiter';
import type { World } from '../world';
import { maxBadRequest } from './errors';
import type { MaxUpdateQueue } from './updates';

export interface MaxApiDeps {
  token: string;
  world: World;
  files: FileStore;
  limiter: SandboxRateLimiter;
  commands: Map<string, BotCommand[]>;
  updates: MaxUpdateQueue;
  /** The sandbox's own URL, known once it listens: upload URLs and image URLs point there. */
  origin: () => string;
  /** The bot's Mini App, which its `open_app` buttons open (PRODUCT.md §8). */
  miniAppUrl: () => string | undefined;
  /** How long an uploaded image answers `attachment.not.ready` before it can be sent. */
  notReadyMs: number;
  /** When each uploaded image's token becomes sendable, by token. */
  readyAt: Map<string, number>;
}

/** The value as the schema reads it, or MAX's 400 naming the first problem. */
export function parseMax<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw maxBadRequest(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid request'}`);
}

export const int64 = z.coerce.number().int().refine(Number.isSafeInteger, 'not a safe integer');

const button = z.discriminatedUnion('type', [
  z.object({ type: z.literal('callback'), text: z.string().min(1).max(128), payload: z.string().max(1024) }),
  z.object({
    type: z.literal('link'),
    text: z.string().min(1).max(128),
    url: z.url({ protocol: /^https?$/ }).max(2048),
  }),
  z.object({ type: z.literal('request_contact'), text: z.string().min(1).max(128) }),
  z.object({ type: z.literal('message'), text: z.string().min(1).max(128) }),
  z.object({
    type: z.literal('open_app'),
    text: z.string().min(1).max(128),
    /** The bot whose Mini App opens, by its public name (checked against the bot's own). */
    web_app: z.string().min(1),
    payload: z
      .string()
      .max(512)
      .regex(/^[A-Za-z0-9_-]*$/, 'payload may hold only A-Z, a-z, 0-9, _ and -')
      .nullish(),
    contact_id: int64.nullish(),
  }),
]);

export type MaxButtonRequest = z.infer<typeof button>;

const attachmentRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('image'),
    payload: z.union([
      z.object({ token: z.string().min(1) }),
      z.object({ photos: z.record(z.string(), z.object({ token: z.string().min(1) })) }),
      z.object({ url: z.string() }),
    ]),
  }),
  z.object({
    type: z.literal('inline_keyboard'),
    payload: z.object({ buttons: z.array(z.array(button).min(1)).min(1) }),
  }),
]);
export type AttachmentRequest = z.infer<typeof attachmentRequest>;

export const newMessageBody = z
  .object({
    text: z.string().max(4000, 'text must be at most 4000 characters').nullish(),
    attachments: z.array(attachmentRequest).nullish(),
    notify: z.boolean().optional(),
    format: z.null({ error: 'the sandbox renders plain text only: format is not supported' }).optional(),
  })
  .loose();
export type NewMessageBody = z.infer<typeof newMessageBody>;
