import { autoRetry } from '@grammyjs/auto-retry';
import { conversations } from '@grammyjs/conversations';
import type { I18n } from '@grammyjs/i18n';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type MiddlewareFn } from 'grammy';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { withLogContext } from '../app/log-context';
import type { AccountLinking } from '../core/identity/account-linking';
import type { TrustedContactService } from '../core/trusted-contact/trusted-contact-service';
import type { Database } from '../db/database';
import { conversationStorage } from '../db/repositories/conversation-storage';
import type { MessengerUserRepository } from '../db/repositories/messenger-user.repository';
import { personalDataRepository } from '../db/repositories/personal-data.repository';
import type { ProcessedUpdateRepository } from '../db/repositories/processed-update.repository';
import type { BotContext, FormContext } from './context';
import { type AdminFeatureDeps, adminCheck, adminFeature } from './features/admin/admin.feature';
import { type BroadcastFeatureDeps, broadcastFeature } from './features/admin/broadcast';
import { type DigitalIdFeatureDeps, digitalIdFeature } from './features/digital-id/digital-id.feature';
import { showEndedScreen } from './features/digital-id/qr-screen';
import { fallbackFeature } from './features/fallback';
import { linkAccountFeature } from './features/link-account';
import { menuFeature } from './features/menu';
import { trustedContactFeature } from './features/trusted-contact/trusted-contact.feature';
import { type VerifierFeatureDeps, verifierFeature } from './features/verifier/verifier.feature';
import { blockedGuard } from './middleware/blocked-guard';
import { type RateLimitDeps, rateLimit } from './middleware/rate-limit';
import { rememberUpdate } from './middleware/remember-update';
import { adminCommandMenu } from './platform/command-menu';
import { fileDownloader } from './platform/file-download';
import { lateCallbackAnswers } from './platform/late-callback-answers';
import type { Notifier } from './platform/notifier';
import { telegramMessenger } from './platform/telegram-messenger';
import { type UpdateFailureDeps, updateFailures } from './update-failures';

export interface BotDeps {
  token: string;
  apiRoot: string | undefined;
  db: Database;
  i18n: I18n<FormContext>;
  processedUpdates: ProcessedUpdateRepository;
  rateLimit: Omit<RateLimitDeps, 'i18n'>;
  users: MessengerUserRepository;
  linking: AccountLinking;
  trustedContact: TrustedContactService;
  notifier: Notifier;
  digitalId: Omit<DigitalIdFeatureDeps, 'messenger'>;
  verifier: Omit<VerifierFeatureDeps, 'download'>;
  admin: Omit<AdminFeatureDeps, 'messenger' | 'adminMenu'>;
  broadcast: Pick<BroadcastFeatureDeps, 'broadcasts' | 'start'>;
  logger: Logger;
  metrics: { updates: Counter<'type'>; handlerErrors: Counter };
  isOutage: UpdateFailureDeps['isOutage'];
  stopping: AbortSignal;
}

const retryPolicy = () => autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 });

/**
 * Builds the bot: middleware order is the order of this function. A webhook handler must be
 * wrapped in `guardWebhook`, since grammY leaves a webhook's errors to the web framework.
 */
export function createBot(deps: BotDeps) {
  const bot = new Bot<BotContext>(deps.token, {
    client: { ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}) },
  });
  // Replies from handlers wait out a 429 instead of failing; pushed messages go through the queue.
  bot.api.config.use(retryPolicy(), lateCallbackAnswers);
  // Conversations get a fresh Api without the bot's transformers: give them the same ones.
  const conversationApi: MiddlewareFn<FormContext> = (ctx, next) => {
    ctx.api.config.use(retryPolicy(), lateCallbackAnswers);
    return next();
  };

  // Every log line an update causes carries its id.
  bot.use((ctx, next) => withLogContext({ updateId: ctx.update.update_id }, next));
  bot.use(async (ctx, next) => {
    deps.metrics.updates.inc({ type: Object.keys(ctx.update).find((k) => k !== 'update_id') ?? 'unknown' });
    await next();
  });
  // Updates of one chat run in order; different chats run concurrently.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  bot.use(rememberUpdate(deps));
  bot.use(rateLimit({ ...deps.rateLimit, i18n: deps.i18n }));
  bot.use(deps.i18n);
  bot.use(blockedGuard({ isAdmin: adminCheck(deps.admin) }));
  bot.use(
    conversations<BotContext, FormContext>({
      storage: { type: 'key', version: 1, adapter: conversationStorage(deps.db) },
    }),
  );
  bot.use(menuFeature());
  bot.use(
    linkAccountFeature({
      linking: deps.linking,
      i18n: deps.i18n,
      notifier: deps.notifier,
      apiPlugins: [conversationApi],
      afterLink: (accountId) => deps.trustedContact.onLinked(accountId),
      afterUnlink: async (accountId, userId) => {
        await deps.trustedContact.endAllOf(accountId, 'unlinked');
        const live = await deps.admin.admins.liveSessionOf(userId);
        const ended = live ? await deps.digitalId.digitalId.revoke(live, 'the account was unlinked') : null;
        if (ended) await showEndedScreen(telegramMessenger(bot.api), deps.digitalId.screen, ended);
        await personalDataRepository(deps.db).forget(userId, deps.admin.clock.now());
      },
    }),
  );
  bot.use(
    trustedContactFeature({ service: deps.trustedContact, i18n: deps.i18n, apiPlugins: [conversationApi] }),
  );
  bot.use(digitalIdFeature({ ...deps.digitalId, messenger: telegramMessenger(bot.api) }));
  bot.use(verifierFeature({ ...deps.verifier, download: fileDownloader(deps.token, deps.apiRoot) }));
  bot.use(
    broadcastFeature({
      ...deps.broadcast,
      db: deps.db,
      i18n: deps.i18n,
      apiPlugins: [conversationApi],
      clock: deps.admin.clock,
      isAdmin: adminCheck(deps.admin),
    }),
  );
  bot.use(
    adminFeature({
      ...deps.admin,
      messenger: telegramMessenger(bot.api),
      adminMenu: (chatId, shown) => adminCommandMenu(bot.api, deps.i18n, chatId, shown),
    }),
  );
  bot.use(fallbackFeature());

  const failures = updateFailures(bot, deps);
  bot.catch(failures.onError);
  return { bot, guardWebhook: failures.webhook };
}
