import { autoRetry } from '@grammyjs/auto-retry';
import { conversations } from '@grammyjs/conversations';
import type { I18n } from '@grammyjs/i18n';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type MiddlewareFn, type StorageAdapter } from 'grammy';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { showEndedScreen } from '../core/digital-id/screen';
import type { DigitalIdSession } from '../core/digital-id/session';
import type { AccountLinking } from '../core/identity/account-linking';
import type { TrustedContactService } from '../core/trusted-contact/trusted-contact-service';
import { withLogContext } from '../infra/log-context';
import type { BotContext, FormContext } from './context';
import { type AdminFeatureDeps, adminFeature } from './features/admin/admin.feature';
import { type BroadcastFeatureDeps, broadcastFeature } from './features/admin/broadcast';
import { type DigitalIdFeatureDeps, digitalIdFeature } from './features/digital-id/digital-id.feature';
import { fallbackFeature } from './features/fallback';
import { linkAccountFeature } from './features/link-account';
import { type MenuSettings, menuFeature } from './features/menu';
import { trustedContactFeature } from './features/trusted-contact/trusted-contact.feature';
import { type VerifierFeatureDeps, verifierFeature } from './features/verifier/verifier.feature';
import { blockedGuard } from './middleware/blocked-guard';
import { privateOnly } from './middleware/private-only';
import { type RateLimitDeps, rateLimit } from './middleware/rate-limit';
import { type RememberUpdateDeps, rememberUpdate } from './middleware/remember-update';
import { type UpdateInboxDeps, updateInbox } from './middleware/update-inbox';
import { adminCommandMenu } from './platform/command-menu';
import { lateCallbackAnswers } from './platform/late-callback-answers';
import type { Notifier } from './platform/notifier';
import type { BotPlatform } from './platform/platform';
import { type UpdateFailureDeps, updateFailures } from './update-failures';

export interface BotDeps {
  token: string;
  platform: BotPlatform;
  /** Where the short forms (conversations) keep their state between updates. */
  conversationStates<S>(): StorageAdapter<S>;
  i18n: I18n<FormContext>;
  processedUpdates: UpdateInboxDeps['updates'];
  /** How long an update waits for its process, should that process die mid-update. */
  updateLeaseSeconds: number;
  rateLimit: Omit<RateLimitDeps, 'i18n'>;
  users: RememberUpdateDeps['users'];
  linking: AccountLinking;
  trustedContact: TrustedContactService;
  notifier: Notifier;
  digitalId: Omit<DigitalIdFeatureDeps, 'messenger' | 'appUrl'>;
  verifier: Omit<VerifierFeatureDeps, 'download' | 'appUrl'>;
  admin: Omit<AdminFeatureDeps, 'showEnded' | 'adminMenu'>;
  broadcast: Pick<BroadcastFeatureDeps, 'broadcasts' | 'start'>;
  menu: MenuSettings;
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
  const { platform } = deps;
  const bot = new Bot<BotContext>(deps.token, { client: platform.client });
  // Replies from handlers wait out a 429 instead of failing; pushed messages go through the queue.
  bot.api.config.use(retryPolicy(), lateCallbackAnswers);
  // Conversations get a fresh Api without the bot's transformers: give them the same ones.
  const conversationApi: MiddlewareFn<FormContext> = (ctx, next) => {
    ctx.api.config.use(retryPolicy(), lateCallbackAnswers);
    return next();
  };
  const messenger = platform.messenger(bot.api);

  const showEnded = (session: DigitalIdSession) => showEndedScreen({ ...deps.digitalId, messenger }, session);

  // Every log line an update causes carries its id.
  bot.use((ctx, next) => withLogContext({ updateId: ctx.update.update_id }, next));
  bot.use(async (ctx, next) => {
    deps.metrics.updates.inc({ type: Object.keys(ctx.update).find((k) => k !== 'update_id') ?? 'unknown' });
    await next();
  });
  // Updates of one chat run in order; different chats run concurrently.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  // Each update handled once, and none lost with a process that dies mid-update.
  const inbox = updateInbox({
    updates: deps.processedUpdates,
    botId: () => bot.botInfo.id,
    leaseSeconds: deps.updateLeaseSeconds,
    logger: deps.logger,
    isOutage: deps.isOutage,
    stopping: deps.stopping,
  });
  bot.api.config.use(inbox.takeIn);
  bot.use(inbox.middleware);
  bot.use(rememberUpdate(deps));
  bot.use(rateLimit({ ...deps.rateLimit, i18n: deps.i18n }));
  bot.use(deps.i18n);
  bot.use(
    blockedGuard({
      isAdmin: deps.admin.service.isAdmin,
      isBlocked: async (userId) => Boolean((await deps.users.findById(userId))?.blockedAt),
    }),
  );
  bot.use(privateOnly());
  bot.use(
    conversations<BotContext, FormContext>({
      storage: { type: 'key', version: 1, adapter: deps.conversationStates() },
    }),
  );
  // The Mini App's pages (PRODUCT.md §8), which the menu, /id and /verify offer where they can.
  const { appUrl } = platform;
  bot.use(
    menuFeature(deps.menu, {
      appUrl,
      isVerifier: (userId) => deps.verifier.roles.hasRole(userId, 'verifier'),
    }),
  );
  bot.use(
    linkAccountFeature({
      linking: deps.linking,
      i18n: deps.i18n,
      notifier: deps.notifier,
      apiPlugins: [conversationApi],
      afterLink: (accountId) => deps.trustedContact.onLinked(accountId),
      unlink: (userId) =>
        deps.admin.service.offboard(userId, {
          showEnded,
          failed: (err) => deps.logger.error({ err, userId }, 'unlinked and erased, but a follow-up failed'),
        }),
    }),
  );
  bot.use(
    trustedContactFeature({ service: deps.trustedContact, i18n: deps.i18n, apiPlugins: [conversationApi] }),
  );
  bot.use(digitalIdFeature({ ...deps.digitalId, messenger, appUrl }));
  bot.use(verifierFeature({ ...deps.verifier, download: platform.download, appUrl }));
  bot.use(
    broadcastFeature({
      ...deps.broadcast,
      i18n: deps.i18n,
      apiPlugins: [conversationApi],
      clock: deps.admin.clock,
      isAdmin: deps.admin.service.isAdmin,
    }),
  );
  bot.use(
    adminFeature({
      ...deps.admin,
      showEnded,
      adminMenu: (chatId, shown) => adminCommandMenu(bot.api, deps.i18n, chatId, shown),
    }),
  );
  bot.use(fallbackFeature());

  const failures = updateFailures(bot, deps);
  bot.catch(failures.onError);
  return { bot, guardWebhook: failures.webhook, inbox };
}
