import { GrammyError, type MiddlewareFn } from 'grammy';
import type { BotContext } from '../context';
import { addressedToBot } from './private-only';

export interface BlockedGuardDeps {
  isAdmin(userId: number): Promise<boolean>;
  isBlocked(userId: number): Promise<boolean>;
}

/**
 * A person an admin blocked gets the same polite refusal for every service, in every chat,
 * and nothing else runs for them. Admins are never locked out by it. In a private chat whether
 * they are blocked comes from the write rememberUpdate makes for every update anyway (no query
 * of its own); in a group it is asked only for what is addressed to the bot. The refusal is
 * theirs alone: a button press is answered with a notice only they see, a group command in
 * their private chat, so the group does not learn that they are blocked.
 */
export function blockedGuard(deps: BlockedGuardDeps): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (!userId) return next();
    const inGroup = ctx.chat !== undefined && ctx.chat.type !== 'private';
    const blocked = inGroup
      ? addressedToBot(ctx) && (await deps.isBlocked(userId))
      : ctx.senderBlocked === true;
    if (!blocked || (await deps.isAdmin(userId))) return next();
    const text = ctx.t('blocked-refusal');
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
    // A private chat's id is its person's id; one who blocked the bot is simply not told.
    else if (inGroup) await ctx.api.sendMessage(userId, text).catch(unlessBlockedByThem);
    else if (ctx.chat) await ctx.reply(text);
  };
}

function unlessBlockedByThem(err: unknown): void {
  if (!(err instanceof GrammyError && err.error_code === 403)) throw err;
}
