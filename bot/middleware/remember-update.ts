import type { MiddlewareFn } from 'grammy';
import type { MessengerUserRepository } from '../../db/repositories/messenger-user.repository';
import type { BotContext } from '../context';

/**
 * Remembers who wrote, in which language, and that they are reachable again. Runs after the
 * update inbox (bot/update-inbox.ts), so once per update.
 */
export interface RememberUpdateDeps {
  users: MessengerUserRepository;
}

export function rememberUpdate(deps: RememberUpdateDeps): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const from = ctx.from;
    if (from && ctx.chat?.type === 'private' && !ctx.myChatMember) {
      const seen = await deps.users.recordSeen({
        id: from.id,
        chatId: ctx.chat.id,
        firstName: from.first_name,
        lastName: from.last_name,
        username: from.username,
        languageCode: from.language_code,
      });
      ctx.senderBlocked = seen.blocked;
    }
    await next();
  };
}
