import type { BotCommand } from 'grammy/types';
import { z } from 'zod';
import { chatId, int, json, type Method, parse } from './params';

const commandScope = json(
  z.union([
    z.object({
      type: z.enum(['default', 'all_private_chats', 'all_group_chats', 'all_chat_administrators']),
    }),
    z.object({ type: z.enum(['chat', 'chat_administrators']), chat_id: chatId }),
    z.object({ type: z.literal('chat_member'), chat_id: chatId, user_id: int }),
  ]),
).optional();
const scopeFields = { scope: commandScope, language_code: z.string().optional() };

type Scope = z.infer<typeof commandScope>;

/** The bot's command menus, one per scope and language, as setMyCommands and its siblings keep them. */
export const commandMethods: Record<string, Method> = {
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
        ...scopeFields,
      }),
      p,
    );
    ctx.commands.set(commandKey(q.scope, q.language_code), q.commands);
    return true;
  },

  getMyCommands: (p, ctx) => {
    const q = parse(z.object(scopeFields), p);
    return ctx.commands.get(commandKey(q.scope, q.language_code)) ?? [];
  },

  deleteMyCommands: (p, ctx) => {
    const q = parse(z.object(scopeFields), p);
    ctx.commands.delete(commandKey(q.scope, q.language_code));
    return true;
  },
};

/** The menu everyone sees unless a narrower scope or their language has its own. */
export const DEFAULT_COMMANDS_KEY = commandKey(undefined, undefined);

function commandKey(scope: Scope, languageCode: string | undefined): string {
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
