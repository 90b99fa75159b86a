import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { LaunchOptions } from '../mini-app/launch-data';
import type { Chat } from '../world';
import { invalid, type PeopleApiDeps, withPerson } from './context';

const launchInput = z
  .object({
    /** A `web_app` (MAX: `open_app`) button on a bot message in the person's chat, by its label. */
    messageId: z.number().int().positive().optional(),
    text: z.string().min(1).max(128).optional(),
    /** Without a button, the bot's Mini App itself: a page under its URL (`digital-id`, `scan`)… */
    path: z
      .string()
      .max(100)
      .regex(/^[a-z0-9-]+(?:\/[a-z0-9-]+)*$/, 'path is a page under the Mini App URL, as digital-id')
      .optional(),
    /** …and the payload a `startapp` link gives (MAX's open_app payload rules). */
    startParam: z
      .string()
      .max(512)
      .regex(/^[A-Za-z0-9_-]+$/, 'startParam may hold only A-Z, a-z, 0-9, _ and -')
      .optional(),
    /** The person's client colours (Telegram's themeParams), `#rrggbb` by name. */
    theme: z
      .record(z.string().regex(/^[a-z_]{1,32}$/), z.string().regex(/^#[0-9a-fA-F]{6}$/))
      .refine((theme) => Object.keys(theme).length <= 20, 'at most 20 theme colours')
      .optional(),
  })
  .refine((b) => (b.messageId === undefined) === (b.text === undefined), {
    message: 'messageId and text name a button together',
    path: ['text'],
  })
  .refine((b) => b.messageId === undefined || (b.path === undefined && b.startParam === undefined), {
    message: 'a button opens its own URL: no path or startParam with it',
    path: ['path'],
  });

const NO_URL =
  'the sandbox knows no Mini App URL: start it with miniAppUrl (the service sets PUBLIC_URL/app)';

/**
 * A person opens a Mini App, by a button or straight from the page: the answer is the URL the
 * messenger would load, its fragment carrying launch data for this person, signed here with the
 * bot's token, which never reaches the page. Only URLs the bot put in its buttons or the bot's
 * own Mini App are signed for, so launch data goes to no site the bot did not name.
 */
export function registerMiniAppLaunch(app: FastifyInstance, deps: PeopleApiDeps): void {
  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/mini-app', async (req, reply) => {
    const found = withPerson(deps.world, req.params.id, reply);
    if (!found) return reply;
    const body = launchInput.safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const { messageId, text, path, startParam, theme } = body.data;
    const target =
      messageId !== undefined && text !== undefined
        ? appButton(found.chat, messageId, text, reply)
        : { url: underAppUrl(deps.miniAppUrl(), path), startParam };
    if (!target) return reply;
    if (!target.url) return reply.code(409).send({ error: NO_URL });
    const options: LaunchOptions = { startParam: target.startParam, theme };
    const fragment = deps.dialect.miniAppFragment(found.person, options);
    return { url: `${target.url.split('#')[0]}#${fragment}` };
  });
}

/** The URL and payload of a Mini App button on a bot message, or null once a 404 is sent. */
function appButton(chat: Chat, messageId: number, text: string, reply: FastifyReply) {
  const entry = chat.messages.get(messageId);
  const button =
    entry?.from === 'bot' ? entry.inlineKeyboard?.flat().find((b) => b.text === text) : undefined;
  if (!button || !('web_app' in button) || !button.web_app) {
    void reply.code(404).send({ error: `no Mini App button "${text}" on bot message ${messageId}` });
    return null;
  }
  const { start_param: startParam } = button as { start_param?: string };
  return { url: button.web_app.url, startParam };
}

function underAppUrl(base: string | undefined, path: string | undefined): string {
  if (!base || path === undefined) return base ?? '';
  return `${base.replace(/\/+$/, '')}/${path}`;
}
