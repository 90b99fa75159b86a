import { run } from '@grammyjs/runner';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type BotDeps, createBot } from '../../bot/create-bot';
import { type QrReader, qrReader } from '../../bot/features/verifier/qr-reader';
import { recoverLapsedUpdates } from '../../bot/middleware/update-inbox';
import { adminCommandMenu, publishCommandMenu } from '../../bot/platform/command-menu';
import { queueNotifier } from '../../bot/platform/notifier';
import { verificationWords } from '../../bot/verification-words';
import { adminService } from '../../core/admin/admin-service';
import { personLeaves } from '../../core/admin/person-leaves';
import type { Clock } from '../../core/clock';
import { accountLinking } from '../../core/identity/account-linking';
import { adminRepository } from '../../db/repositories/admin.repository';
import { broadcastRepository } from '../../db/repositories/broadcast.repository';
import { conversationStorage } from '../../db/repositories/conversation-storage';
import { messengerUserRepository } from '../../db/repositories/messenger-user.repository';
import { processedUpdateRepository } from '../../db/repositories/processed-update.repository';
import { verifierDeskRepository } from '../../db/repositories/verifier-desk.repository';
import { isDatabaseUnavailable } from '../../db/unavailable';
import type { Closers } from '../../infra/closers';
import type { Metrics } from '../../infra/metrics';
import { isRedisUnavailable } from '../../infra/redis';
import { broadcastJobs } from '../../workers/broadcast/broadcast.processor';
import type { Config } from '../config';
import { deriveKey } from '../secrets';

import { type Backend, BROADCAST_PROGRESS_MS, type MessengerTarget } from './backend';
import { platformParts } from './platform';

const WEBHOOK_BODY_LIMIT = 256 * 1024;

/**
 * The bot role: grammY with its features and middleware, the command menus, and updates by
 * webhook (on this process's HTTP server) or by long polling, with lapsed updates taken over.
 */
export async function startBotRole(
  config: Config,
  logger: Logger,
  closers: Closers,
  backend: Backend,
  target: MessengerTarget,
  deps: { http: FastifyInstance; metrics: Metrics; clock: Clock; publicUrl: () => string },
): Promise<void> {
  const { db } = backend.database;
  const { i18n } = backend;
  const users = messengerUserRepository(db);
  const admin = adminDeps(config, backend, deps.clock);
  // Aborted first on stop, so updates held through an outage do not keep the process alive.
  const stopping = new AbortController();
  const platform = await platformParts(target, { db, logger, pace: backend.pace });
  const { bot, guardWebhook, inbox } = createBot({
    token: target.token,
    platform: platform.bot(deps.publicUrl),
    conversationStates: () => conversationStorage(db),
    i18n,
    processedUpdates: processedUpdateRepository(db),
    updateLeaseSeconds: config.updateLeaseSeconds,
    rateLimit: {
      redis: backend.redis,
      prefix: config.queuePrefix,
      limit: config.userRateLimitPer10Seconds,
      windowMs: 10_000,
    },
    users,
    linking: accountLinking({ accounts: backend.accounts, links: backend.accounts, otp: backend.otp }),
    trustedContact: backend.trustedContact,
    notifier: queueNotifier({ users, outgoing: backend.outgoing, i18n }),
    digitalId: { digitalId: backend.digitalId, screen: backend.screen, scheduler: backend.scheduler },
    admin,
    menu: {
      qrRefreshSeconds: config.digitalId.qrRefreshSeconds,
      trustorsPerContact: config.trustedContact.trustorsPerContact,
    },
    broadcast: {
      broadcasts: broadcastRepository(db),
      start: broadcastJobs({ queue: backend.outgoingQueue, progressEveryMs: BROADCAST_PROGRESS_MS }).start,
    },
    verifier: {
      roles: backend.roles,
      desks: verifierDeskRepository(db),
      verification: backend.measured('bot'),
      reader: startQrReader(closers),
      words: (locale, answer, at) => verificationWords(i18n, locale, answer, at),
      clock: deps.clock,
    },
    logger,
    metrics: deps.metrics,
    isOutage: (err) => isDatabaseUnavailable(err) || isRedisUnavailable(err),
    stopping: stopping.signal,
  });
  await bot.init();
  await publishCommandMenu(bot.api, i18n);
  for (const adminId of await admin.service.adminUsers())
    await adminCommandMenu(bot.api, i18n, adminId, true).catch((err) =>
      logger.warn({ err: err.message, adminId }, 'could not show the admin menu'),
    );
  // Updates a process that died left unfinished (stored by long polling) are handled here.
  const recovery = recoverLapsedUpdates(bot, inbox, { leaseSeconds: config.updateLeaseSeconds, logger });
  closers.push(async () => {
    stopping.abort();
    await recovery.stop();
  });
  if (config.delivery.kind === 'webhook') {
    const { url } = config.delivery;
    const webhook = platform.webhook(bot, config.delivery);
    // One update is a few kilobytes: a larger body is refused before it is read.
    deps.http.post(new URL(url).pathname, { bodyLimit: WEBHOOK_BODY_LIMIT }, guardWebhook(webhook.handler));
    await webhook.subscribe();
    closers.push(webhook.stop);
    logger.info({ url }, 'receiving updates by webhook');
    return;
  }
  await bot.api.deleteWebhook();
  const runner = run(bot, {
    runner: { fetch: { allowed_updates: ['message', 'callback_query', 'my_chat_member'] } },
  });
  closers.push(async () => {
    stopping.abort();
    if (runner.isRunning()) await runner.stop();
  });
  logger.info({ bot: bot.botInfo.username }, 'receiving updates by long polling');
}

/** The admin commands' service over its store: blocking and unlinking end what the person had. */
function adminDeps(config: Config, backend: Backend, clock: Clock): BotDeps['admin'] {
  const store = adminRepository({
    db: backend.database.db,
    keys: backend.keys,
    phoneKey: deriveKey(backend.masterKey, 'phone-hash'),
  });
  const service = adminService({
    store,
    bootstrapAdmins: config.adminIds,
    hasAdminRole: (userId) => backend.roles.hasRole(userId, 'admin'),
    leave: personLeaves({
      liveSessionOf: store.liveSessionOf,
      revokeSession: backend.digitalId.revoke,
      endRelationships: backend.trustedContact.endAllOf,
    }),
    sessionEnded: backend.digitalId.forgetAppQr,
    clock,
    timing: {
      tokenTtlSeconds: config.digitalId.tokenTtlSeconds,
      skewSeconds: config.digitalId.verifyClockSkewSeconds,
    },
  });
  return {
    service,
    admins: store,
    verifierKeys: backend.verifierKeys,
    clock,
    queueSummary: backend.queueCounts,
    verificationsToday: () => backend.tally.today('verifications'),
    pageViewsToday: () => backend.tally.today('page-views'),
  };
}

function startQrReader(closers: Closers): QrReader {
  const reader = qrReader();
  closers.push(() => reader.close());
  return reader;
}
