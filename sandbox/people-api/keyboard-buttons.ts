import type { FastifyInstance } from 'fastify';
import type { ReplyKeyboardMarkup } from 'grammy/types';
import { z } from 'zod';
import type { Chat } from '../world';
import { invalid, type PeopleApiDeps, withPerson } from './context';
import { NO_PHONE, sayText, shareContact } from './messages';

/** A button that sends the person's own words or card, not a callback. */
export interface TextButton {
  text: string;
  contact: boolean;
}

/**
 * The buttons a person can press to send text or their contact: Telegram's reply keyboard, or
 * MAX's inline `message` and `request_contact` buttons (MAX has no reply keyboards), newest
 * bot message first, each label once.
 */
export function textButtons(chat: Chat): TextButton[] {
  const reply: ReplyKeyboardMarkup['keyboard'] = chat.replyKeyboard?.keyboard ?? [];
  const fromReply = reply
    .flat()
    .map((b) =>
      typeof b === 'string'
        ? { text: b, contact: false }
        : { text: b.text, contact: 'request_contact' in b && Boolean(b.request_contact) },
    );
  const inline = [...chat.messages.values()]
    .filter((m) => m.from === 'bot')
    .reverse()
    .flatMap((m) => m.inlineKeyboard?.flat() ?? [])
    .flatMap((b) => {
      const flags = b as { request_contact?: boolean; send_text?: boolean };
      return flags.request_contact || flags.send_text
        ? [{ text: b.text, contact: Boolean(flags.request_contact) }]
        : [];
    });
  // Two messages offering the same button offer one action.
  const seen = new Set<string>();
  return [...fromReply, ...inline].filter((b) => !seen.has(b.text) && Boolean(seen.add(b.text)));
}

/** A person presses a text or contact button by its label, on either messenger alike. */
export function registerKeyboardPresses(app: FastifyInstance, deps: PeopleApiDeps): void {
  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/keyboard-presses', async (req, reply) => {
    const found = withPerson(deps.world, req.params.id, reply);
    if (!found) return reply;
    const body = z.object({ text: z.string().min(1).max(128) }).safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const button = textButtons(found.chat).find((b) => b.text === body.data.text);
    if (!button)
      return reply.code(404).send({ error: `no button "${body.data.text}" to press in this chat` });
    if (!button.contact) return reply.code(201).send(sayText(deps, found.chat, button.text));
    if (!found.person.phone) return reply.code(400).send({ error: NO_PHONE });
    return reply.code(201).send(shareContact(deps, found, {}));
  });
}
