import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context';
import { blockedUpdates } from './remember-update';

/**
 * A person an admin blocked gets the same polite refusal for every service, and nothing else
 * runs for them. Admins are never locked out by it. Whether they are blocked comes from the
 * write rememberUpdate makes for every update anyway: no query of its own.
 */
export function blockedGuard(deps: { isAdmin(userId: number): Promise<boolean> }): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (!userId || !blockedUpdates.has(ctx.update) || (await deps.isAdmin(userId))) return next();
    const text = ctx.t('blocked-refusal');
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
    else if (ctx.chat) await ctx.reply(text);
  };
}
