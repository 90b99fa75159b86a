import type { I18n } from '@grammyjs/i18n';
import type { MiddlewareFn } from 'grammy';
import type { Redis } from 'ioredis';
import { localeFor } from '../../core/messaging/locale';
import { personRate } from '../../infra/person-rate';
import type { BotContext, FormContext } from '../context';

export interface RateLimitDeps {
  redis: Redis;
  prefix: string;
  /** Updates (commands, messages, button presses) one person may send per window. */
  limit: number;
  windowMs: number;
  i18n: I18n<FormContext>;
}

/**
 * Caps each person's updates across every bot process (the count lives in Redis). Over the
 * cap, the first update of the window gets one polite answer and the rest are dropped without
 * a word: an answer per dropped update would turn a flood into the bot's own outgoing traffic.
 */
export function rateLimit(deps: RateLimitDeps): MiddlewareFn<BotContext> {
  const countOf = personRate(deps);
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return next();
    const count = await countOf(userId);
    // Without Redis nothing is counted: the update goes on, and the handlers that need Redis
    // meet the outage themselves (and say so).
    if (count === null || count <= deps.limit) return next();
    if (count > deps.limit + 1) return;
    const text = deps.i18n.t(localeFor(ctx.from?.language_code), 'too-many-requests');
    // A button's notice is the presser's alone; in a group a reply would answer their chatter
    // in front of everyone, so there the rest is silence.
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
    else if (ctx.chat?.type === 'private') await ctx.reply(text);
  };
}
