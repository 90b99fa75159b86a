import type { I18n } from '@grammyjs/i18n';
import type { MiddlewareFn } from 'grammy';
import type { Redis } from 'ioredis';
import { localeFor } from '../../core/messaging/locale';
import type { BotContext, FormContext } from '../context';

export interface RateLimitDeps {
  redis: Redis;
  prefix: string;
  /** Updates (commands, messages, button presses) one person may send per window. */
  limit: number;
  windowMs: number;
  i18n: I18n<FormContext>;
}

/** The person's count in the current window, which starts with their first update. */
const COUNT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

/**
 * Caps each person's updates across every bot process (the count lives in Redis). Over the
 * cap, the first update of the window gets one polite answer and the rest are dropped without
 * a word: an answer per dropped update would turn a flood into the bot's own outgoing traffic.
 */
export function rateLimit(deps: RateLimitDeps): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (userId === undefined) return next();
    let count: number;
    try {
      count = Number(await deps.redis.eval(COUNT, 1, `${deps.prefix}:rate:user:${userId}`, deps.windowMs));
    } catch {
      // Without Redis nothing can be counted: the update goes on, and the handlers that need
      // Redis meet the outage themselves (and say so).
      return next();
    }
    if (count <= deps.limit) return next();
    if (count > deps.limit + 1) return;
    const text = deps.i18n.t(localeFor(ctx.from?.language_code), 'too-many-requests');
    // A button's notice is the presser's alone; in a group a reply would answer their chatter
    // in front of everyone, so there the rest is silence.
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
    else if (ctx.chat?.type === 'private') await ctx.reply(text);
  };
}
