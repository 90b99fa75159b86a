import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type BotError, GrammyError } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { MessengerUserRepository } from '../db/repositories/messenger-user.repository';
import type { ProcessedUpdateRepository } from '../db/repositories/processed-update.repository';
import type { BotContext } from './context';
import { fallbackFeature } from './features/fallback';
import { menuFeature } from './features/menu';
import { createI18n, localeFor } from './i18n';
import { rememberUpdate } from './middleware/remember-update';

export interface BotDeps {
  token: string;
  apiRoot: string | undefined;
  /** Known in tests and when a previous start fetched it; saves a getMe call. */
  botInfo?: UserFromGetMe;
  processedUpdates: ProcessedUpdateRepository;
  users: MessengerUserRepository;
  logger: Logger;
  metrics: { updates: Counter<'type'>; handlerErrors: Counter };
}

/** Builds the bot: middleware order is the order of this function. */
export function createBot(deps: BotDeps) {
  const bot = new Bot<BotContext>(deps.token, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    client: { ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}) },
  });
  // Replies from handlers wait out a 429 instead of failing; pushed messages go through the queue.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));
  const i18n = createI18n<BotContext>();

  bot.use(async (ctx, next) => {
    deps.metrics.updates.inc({ type: Object.keys(ctx.update).find((k) => k !== 'update_id') ?? 'unknown' });
    await next();
  });
  // Updates of one chat run in order; different chats run concurrently.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  bot.use(rememberUpdate(deps));
  bot.use(i18n);
  bot.use(menuFeature());
  bot.use(fallbackFeature());

  bot.catch(async (err: BotError<BotContext>) => {
    deps.metrics.handlerErrors.inc();
    deps.logger.error({ err: err.error, updateId: err.ctx.update.update_id }, 'update handler failed');
    // The person is told, not left in silence; if even that fails there is nothing more to do.
    // i18n may not have run yet (the database failed first), so translate without ctx.t.
    const ctx = err.ctx;
    if (err.error instanceof GrammyError && err.error.error_code === 403) return;
    const text = i18n.t(localeFor(ctx.from?.language_code), 'error-generic');
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
      else if (ctx.chat) await ctx.reply(text);
    } catch (replyErr) {
      deps.logger.warn({ err: replyErr }, 'could not tell the person about the failure');
    }
  });
  return { bot, i18n };
}
