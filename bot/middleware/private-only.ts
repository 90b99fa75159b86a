import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context';

/**
 * Whether a group update is meant for this bot: a press of one of its buttons, or a command
 * not addressed to another bot. Anything else said in a group is people talking to each other.
 */
export function addressedToBot(ctx: BotContext): boolean {
  if (ctx.callbackQuery) return true;
  const command = ctx.message?.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!command) return false;
  const target = ctx.message?.text?.slice(0, command.length).split('@')[1];
  return target === undefined || target.toLowerCase() === ctx.me.username.toLowerCase();
}

/**
 * Every service of the bot is personal (a person's account, Digital ID, contacts, codes), so
 * it runs only in a private chat. In a group a command or a button press gets one line asking
 * the person to write to the bot in private, and nothing else runs: no form starts, no SMS is
 * sent, nothing changes. Whatever else is said in a group is left alone.
 */
export function privateOnly(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (!ctx.chat || ctx.chat.type === 'private') return next();
    if (!addressedToBot(ctx)) return;
    const text = ctx.t('private-only', { bot: `@${ctx.me.username}` });
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
    else await ctx.reply(text);
  };
}
