import { Composer } from 'grammy';
import type { BotContext } from '../context';

/** Registered last: whatever no feature handled still gets a helpful answer. */
export function fallbackFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');
  privateChat.on('message:text', (ctx) => {
    const text = ctx.message.text;
    if (text.startsWith('/')) return ctx.reply(ctx.t('unknown-command'));
    // Digits look like a code typed after the form that asked for one has ended.
    if (/^[\d\s-]{4,12}$/.test(text.trim())) return ctx.reply(ctx.t('code-not-expected'));
    return ctx.reply(ctx.t('free-text'));
  });
  privateChat.on('message:contact', (ctx) => ctx.reply(ctx.t('contact-unexpected')));
  privateChat.on('message', (ctx) => ctx.reply(ctx.t('unsupported-message')));
  // A button whose handler is gone (an old message after an update of the bot).
  feature.on('callback_query', (ctx) => ctx.answerCallbackQuery());
  return feature;
}
