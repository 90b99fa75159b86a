import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context';

/**
 * A person an admin blocked gets the same polite refusal for every service, and nothing else
 * runs for them. Admins are never locked out by it.
 */
export function blockedGuard(deps: {
  isBlocked(userId: number): Promise<boolean>;
  isAdmin(userId: number): Promise<boolean>;
}): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (!userId || ctx.myChatMember || !(await deps.isBlocked(userId)) || (await deps.isAdmin(userId)))
      return next();
    const text = ctx.t('blocked-refusal');
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
    else if (ctx.chat) await ctx.reply(text);
  };
}
