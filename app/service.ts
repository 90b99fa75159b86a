import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { run } from '@grammyjs/runner';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Api, webhookCallback } from 'grammy';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { failedAuthLimit } from '../api/failed-auth-limit';
import { registerHealthRoutes } from '../api/health';
import { createHttpServer } from '../api/http-server';
import { registerKeysRoute } from '../api/keys';
import { registerQueueDashboard } from '../api/queue-dashboard';
import { registerRecoveryRoutes } from '../api/recovery-requests';
import { registerVerificationPage } from '../api/verification-page';
import { cachedVerifierAuthentication } from '../api/verifier-auth';
import { registerVerifyRoute } from '../api/verify';
import { createBot } from '../bot/create-bot';
import { broadcastStatus } from '../bot/features/admin/broadcast';
import { type QrScreen, qrScreen } from '../bot/features/digital-id/qr-screen';
import { type QrReader, qrReader } from '../bot/features/verifier/qr-reader';
import { createI18n } from '../bot/i18n';
import { recoverLapsedUpdates } from '../bot/middleware/update-inbox';
import { adminCommandMenu, publishCommandMenu } from '../bot/platform/command-menu';
import { noticeRenderer } from '../bot/platform/notice-renderer';
import { queueNotifier } from '../bot/platform/notifier';
import { telegramMessenger } from '../bot/platform/telegram-messenger';
import { verificationWords } from '../bot/verification-words';
import { adminService } from '../core/admin/admin-service';
import { type Clock, systemClock } from '../core/clock';
import { type DigitalIdService, digitalIdService } from '../core/digital-id/digital-id-service';
import { nodeEd25519 } from '../core/digital-id/ed25519';
import type { RefreshScheduler } from '../core/digital-id/refresh-scheduler';
import { accountLinking } from '../core/identity/account-linking';
import { moscowDate } from '../core/identity/calendar';
import { personLeaves } from '../core/identity/person-leaves';
import { type OtpService, otpService } from '../core/otp/otp-service';
import {
  type TrustedContactService,
  trustedContactService,
} from '../core/trusted-contact/trusted-contact-service';
import { type DigitalIdVerification, digitalIdVerification } from '../core/verification/verification';
import { type VerifierKeys, verifierKeys } from '../core/verification/verifier-keys';
import { type DatabaseHandle, openDatabase } from '../db/client';
import { DEMO_VERIFIER_ACCOUNT, demoDirectory, demoRegistry } from '../db/registry/demo-registry';
import { importRegistry } from '../db/registry/import-registry';
import { countAccounts } from '../db/registry/registry-size';
import { accountRepository } from '../db/repositories/account.repository';
import { adminRepository } from '../db/repositories/admin.repository';
import { broadcastRepository } from '../db/repositories/broadcast.repository';
import { conversationStorage } from '../db/repositories/conversation-storage';
import { digitalIdSessionRepository } from '../db/repositories/digital-id-session.repository';
import { messengerUserRepository } from '../db/repositories/messenger-user.repository';
import { noticeWriter } from '../db/repositories/notice-writer';
import { otpRepository } from '../db/repositories/otp.repository';
import { outgoingMessageRepository } from '../db/repositories/outgoing-message.repository';
import { personalDataRepository } from '../db/repositories/personal-data.repository';
import { processedUpdateRepository } from '../db/repositories/processed-update.repository';
import { type RoleRepository, roleRepository } from '../db/repositories/role.repository';
import {
  cachedKeyring,
  type SigningKeyRepository,
  signingKeyRepository,
} from '../db/repositories/signing-key.repository';
import { tokenUseRepository } from '../db/repositories/token-use.repository';
import { trustedContactRepository } from '../db/repositories/trusted-contact.repository';
import { verifierDeskRepository } from '../db/repositories/verifier-desk.repository';
import { verifierKeyRepository } from '../db/repositories/verifier-key.repository';
import { isDatabaseUnavailable } from '../db/unavailable';
import type { Closers } from '../infra/closers';
import {
  createMetrics,
  type Metrics,
  measuredVerification,
  type VerificationChannel,
} from '../infra/metrics';
import { producerQueue } from '../infra/queue';
import { checkRedis, createRedis, isRedisUnavailable, trackRedis } from '../infra/redis';
import { type VerificationTally, verificationTally } from '../infra/verification-tally';
import { type Sandbox, startSandbox } from '../sandbox/server';
import { httpSmsGateway } from '../sms/http-sms-gateway';
import { broadcastJobs, broadcastProcessor } from '../workers/broadcast/broadcast.processor';
import { startMaintenance } from '../workers/maintenance';
import { outgoingProcessor } from '../workers/outgoing/outgoing.processor';
import {
  type OutgoingProducer,
  type OutgoingQueue,
  outgoingProducer,
} from '../workers/outgoing/outgoing.producer';
import { startOutgoingWorker } from '../workers/outgoing/outgoing.worker';
import { pacedMessenger, type SendPace, sendPace } from '../workers/outgoing/send-pace';
import { qrRefreshProcessor } from '../workers/qr-refresh/qr-refresh.processor';
import { qrRefreshScheduler } from '../workers/qr-refresh/qr-refresh.scheduler';
import { QUEUES } from '../workers/queues';
import { type RecoveryQueue, recoveryJobs } from '../workers/recovery/recovery.jobs';
import { startRecoveryWorker } from '../workers/recovery/recovery.worker';
import type { Config } from './config';
import { serveMetrics } from './metrics-listener';
import { deriveKey, resolveMasterKey } from './secrets';
import { announceRevocation, listenForRevocations } from './verifier-key-revocations';

export interface Service {
  /** This process's HTTP server (health, API, and metrics unless they have a port of their own). */
  httpUrl: string;
  /** Where this process's /metrics is served, or null where it is not (production, no token). */
  metricsUrl: string | null;
  publicUrl: string;
  sandbox: Sandbox | null;
  metrics: Metrics;
  /** Absent in a process that only runs the sandbox. */
  backend: Backend | null;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
}

interface Backend {
  database: DatabaseHandle;
  outgoing: OutgoingProducer;
  masterKey: Buffer;
  accounts: ReturnType<typeof accountRepository>;
  digitalId: DigitalIdService;
  keys: SigningKeyRepository;
  verification: DigitalIdVerification;
  roles: RoleRepository;
  otp: OtpService;
  trustedContact: TrustedContactService;
  trustedContactStore: ReturnType<typeof trustedContactRepository>;
  recoveryQueue: RecoveryQueue;
  recoveryJobs: ReturnType<typeof recoveryJobs>;
  /** Where final recovery statuses are posted, if anywhere. */
  portalCallback: { url: string; secret: string } | null;
  /** The bearer token of the recovery API; none means the API is off in this process. */
  portalToken: string | undefined;
  /** Jobs per state, per queue, for operators. */
  queueCounts(): Promise<Record<string, Record<string, number>>>;
  outgoingQueue: OutgoingQueue;
  i18n: ReturnType<typeof createI18n>;
  screen: QrScreen;
  scheduler: RefreshScheduler;
  /** The producers' Redis connection, and the send pace (per chat, for the bot) kept on it. */
  redis: Redis;
  pace: SendPace;
  /** Runs `listener` each time Redis answers again after an outage. */
  onRedisBack(listener: () => void): void;
  /** The verification, counted in the metrics and the day's tally as coming from `channel`. */
  measured(channel: VerificationChannel): DigitalIdVerification;
  tally: VerificationTally;
  /** Checkouts' API keys; a revocation is announced to every API process. */
  verifierKeys: VerifierKeys;
}

/** A broadcast's status message is edited at most this often. */
const BROADCAST_PROGRESS_MS = 3000;

/** Where this process reaches the messenger: its own sandbox, or the configured Bot API. */
type MessengerTarget = { token: string; apiRoot: string | undefined };

/**
 * The composition root: builds every adapter the configured roles need, wires them, starts
 * them, and returns one stop() that closes them in reverse order.
 */
export async function startService(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<Service> {
  const clock = options.clock ?? systemClock;
  for (const warning of config.warnings) logger.warn(`WARNING: ${warning}`);
  const closers: Closers = [];
  const stop = async () => {
    for (const close of closers.reverse()) {
      await close().catch((err) => logger.error({ err }, 'error while stopping'));
    }
  };
  try {
    const metrics = createMetrics();
    const http = createHttpServer(logger, metrics, config.trustProxy);
    const sandbox = config.roles.has('sandbox')
      ? await startSandboxRole(config, logger, clock, closers)
      : null;
    const { roles } = config;
    let publicUrl = config.publicUrl ?? '';
    let backend: Backend | null = null;
    if (roles.has('bot') || roles.has('api') || roles.has('worker')) {
      backend = await startBackend(config, logger, clock, closers, {
        http,
        metrics,
        sandbox,
        publicUrl: () => publicUrl,
      });
      const target = messengerTarget(config, sandbox);
      if (target && roles.has('worker'))
        await startWorkerRole(config, logger, clock, closers, backend, target, metrics);
      if (target && roles.has('bot'))
        await startBotRole(config, logger, closers, backend, target, { http, metrics, clock });
    } else {
      registerHealthRoutes(http, { checks: {} });
    }
    const metricsAt = await serveMetrics(config, logger, http, metrics, {
      queueCounts: backend?.queueCounts,
      onStop: (close) => closers.push(close),
    });
    const httpUrl = await listen(http, config, logger, closers);
    // PUBLIC_URL defaults to this server, whose port is known only now (PORT=0 picks one).
    publicUrl ||= httpUrl;
    if (sandbox && backend?.portalToken) sandbox.connectPortal(httpUrl, backend.portalToken);
    return {
      httpUrl,
      metricsUrl: metricsAt === 'PORT' ? `${httpUrl}/metrics` : metricsAt,
      publicUrl,
      sandbox,
      metrics,
      backend,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function messengerTarget(config: Config, sandbox: Sandbox | null): MessengerTarget | null {
  if (sandbox) return { token: sandbox.token, apiRoot: sandbox.url };
  if (config.messenger.kind === 'bot-api')
    return { token: config.messenger.token, apiRoot: config.messenger.apiRoot };
  return null;
}

async function startSandboxRole(
  config: Config,
  logger: Logger,
  clock: Clock,
  closers: Closers,
): Promise<Sandbox> {
  const sandbox = await startSandbox({
    directory: demoDirectory(moscowDate(clock.now())),
    port: config.sandboxPort,
    token: config.messenger.kind === 'sandbox' ? config.messenger.token : undefined,
    ratePerSecond: config.sandboxRatePerSecond,
    logger,
  });
  closers.push(() => sandbox.close());
  logger.info({ url: sandbox.url }, `sandbox messenger listening on ${sandbox.url}`);
  return sandbox;
}

/** Redis, the database (migrated), the queues' producers, the domain services, readiness checks. */
async function startBackend(
  config: Config,
  logger: Logger,
  clock: Clock,
  closers: Closers,
  deps: { http: FastifyInstance; metrics: Metrics; sandbox: Sandbox | null; publicUrl: () => string },
): Promise<Backend> {
  const demo = deps.sandbox !== null;
  await checkRedis(config.redisUrl);
  const database = await openDatabase(config.storage);
  closers.push(() => database.close());
  await database.migrate();
  const { db } = database;
  const roles = roleRepository(db);
  if (demo && (await countAccounts(db)) === 0) {
    const summary = await importRegistry(db, demoRegistry(moscowDate(clock.now())));
    await roles.grant(DEMO_VERIFIER_ACCOUNT, 'verifier', 'demo registry');
    logger.info({ accounts: summary.total }, 'loaded the demo registry into the empty database');
  }
  const masterKey = resolveMasterKey(config, logger);
  const ed25519 = nodeEd25519();
  const keys = signingKeyRepository({
    db,
    ed25519,
    sealingKey: deriveKey(masterKey, 'signing-key-encryption'),
  });
  await keys.ensureActive();

  const redisBack: Array<() => void> = [];
  const producerRedis = trackRedis(createRedis(config.redisUrl, 'producer'), logger, closers, () => {
    for (const listener of redisBack) listener();
  });
  const queue: OutgoingQueue = producerQueue(
    QUEUES.outgoing.name,
    producerRedis,
    config.queuePrefix,
    closers,
  );
  const outgoing = outgoingProducer({ outbox: outgoingMessageRepository(db), queue });
  const pace = sendPace({
    redis: producerRedis,
    prefix: config.queuePrefix,
    ratePerSecond: config.outgoingRatePerSecond,
  });
  const accounts = accountRepository(db);
  const keyring = cachedKeyring(keys, () => clock.now().getTime());
  const digitalId = digitalIdService({
    sessions: digitalIdSessionRepository(db),
    accounts,
    keyring,
    ed25519,
    clock,
    timing: {
      refreshSeconds: config.digitalId.qrRefreshSeconds,
      sessionSeconds: config.digitalId.qrSessionSeconds,
      tokenTtlSeconds: config.digitalId.tokenTtlSeconds,
    },
    publicUrl: deps.publicUrl,
  });
  const verification = digitalIdVerification({
    keyring,
    ed25519,
    uses: tokenUseRepository(db),
    clock,
    skewSeconds: config.digitalId.verifyClockSkewSeconds,
  });
  const i18n = createI18n();
  const otp = otpService({
    store: otpRepository(db),
    sms: httpSmsGateway(
      { url: config.smsHttpUrl ?? deps.sandbox?.smsUrl ?? '', token: config.smsHttpToken },
      logger,
    ),
    clock,
    pepper: deriveKey(masterKey, 'otp-pepper'),
    phoneKey: deriveKey(masterKey, 'phone-hash'),
    smsMaxPerPhonePerDay: config.smsMaxPerPhonePerDay,
  });
  const recoveryQueue: RecoveryQueue = producerQueue(
    QUEUES.recovery.name,
    producerRedis,
    config.queuePrefix,
    closers,
  );
  // With the sandbox, its portal stands in for the identity portal: a token and a callback
  // inbox of its own, unless the real ones are configured.
  const portalToken = config.portal.apiToken ?? (demo ? randomBytes(24).toString('base64url') : undefined);
  const portalCallback =
    config.portal.callbackUrl && config.portal.callbackSecret
      ? { url: config.portal.callbackUrl, secret: config.portal.callbackSecret }
      : deps.sandbox
        ? {
            url: deps.sandbox.portalCallbackUrl,
            secret: config.portal.callbackSecret ?? randomBytes(24).toString('base64url'),
          }
        : null;

  const recovery = recoveryJobs(recoveryQueue, clock, { callbacks: portalCallback !== null, logger });
  const trustedContactStore = trustedContactRepository(db, noticeWriter(noticeRenderer(i18n)));
  const trustedContact = trustedContactService({
    store: trustedContactStore,
    accounts,
    otp,
    clock,
    settings: config.trustedContact,
    jobs: recovery,
    // A row that cannot be queued now (Redis away) is relayed by the worker later.
    dispatch: ({ outboxIds }) =>
      outgoing
        .enqueue(outboxIds)
        .catch((err) => logger.warn({ err: err.message }, 'outbox rows left for the relay')),
    smsText: (code) => i18n.t('ru', 'sms-recovery-code', { code }),
  });
  const queueCounts = async () => {
    const states = (q: Queue) => q.getJobCounts('waiting', 'delayed', 'active', 'failed');
    const [outgoing, recovery] = await Promise.all([states(queue), states(recoveryQueue)]);
    return { [QUEUES.outgoing.name]: outgoing, [QUEUES.recovery.name]: recovery };
  };
  const tally = verificationTally({ redis: producerRedis, prefix: config.queuePrefix, clock });
  closers.push(() => tally.close());
  const measured = (channel: VerificationChannel) =>
    measuredVerification(verification, deps.metrics, channel, tally);
  registerHealthRoutes(deps.http, {
    checks: {
      database: () => database.ping(),
      redis: async () => {
        await producerRedis.ping();
      },
    },
  });
  registerKeysRoute(deps.http, keyring);
  const keysOfVerifiers = verifierKeys(verifierKeyRepository(db), {
    clock,
    cacheSeconds: config.verifierKeyCacheSeconds,
    announceRevoked: (id) => announceRevocation(producerRedis, config.queuePrefix, id),
  });
  if (config.roles.has('api')) {
    const auth = cachedVerifierAuthentication({
      keys: keysOfVerifiers,
      clock,
      logger,
      ttlSeconds: config.verifierKeyCacheSeconds,
    });
    // Revocations from any process (or the command line) reach this one's cache at once; after
    // a lost connection nothing cached is trusted, since announcements may have been missed.
    const revocations = trackRedis(createRedis(config.redisUrl, 'worker'), logger, closers, auth.forgetAll);
    await listenForRevocations(revocations, config.queuePrefix, auth.forget);
    const failures = failedAuthLimit({
      redis: producerRedis,
      prefix: config.queuePrefix,
      perMinute: config.authFailuresPerMinute,
      clock,
    });
    await registerVerifyRoute(deps.http, {
      verification: measured('api'),
      auth,
      failures,
      ratePerMinute: config.digitalId.verifyRatePerMinute,
      redis: producerRedis,
      redisPrefix: config.queuePrefix,
    });
    if (portalToken)
      await registerRecoveryRoutes(deps.http, { service: trustedContact, portalToken, failures });
    if (config.adminDashboardToken)
      await registerQueueDashboard(deps.http, {
        queues: [queue, recoveryQueue],
        token: config.adminDashboardToken,
      });
    await registerVerificationPage(deps.http, {
      verification: measured('page'),
      clock,
      words: (locale, answer, at) => verificationWords(i18n, locale, answer, at),
      text: (locale, key) => i18n.t(locale, key),
      rate: {
        perMinute: config.digitalId.pageRatePerMinute,
        redis: producerRedis,
        redisPrefix: config.queuePrefix,
      },
    });
  }
  return {
    database,
    outgoing,
    masterKey,
    accounts,
    digitalId,
    keys,
    verification,
    roles,
    otp,
    trustedContact,
    trustedContactStore,
    recoveryQueue,
    recoveryJobs: recovery,
    portalCallback,
    portalToken,
    queueCounts,
    outgoingQueue: queue,
    i18n,
    screen: qrScreen(i18n),
    scheduler: qrRefreshScheduler({ queue, clock, pace }),
    redis: producerRedis,
    pace,
    onRedisBack: (listener) => redisBack.push(listener),
    measured,
    tally,
    verifierKeys: keysOfVerifiers,
  };
}

async function startWorkerRole(
  config: Config,
  logger: Logger,
  clock: Clock,
  closers: Closers,
  backend: Backend,
  target: MessengerTarget,
  metrics: Metrics,
): Promise<void> {
  const { db } = backend.database;
  const outbox = outgoingMessageRepository(db);
  // No auto-retry here: a 429 must pause the queue, not hold a worker slot while it waits.
  const messenger = pacedMessenger(
    telegramMessenger(new Api(target.token, target.apiRoot ? { apiRoot: target.apiRoot } : {})),
    backend.pace,
  );
  const worker = startOutgoingWorker({
    connection: trackRedis(createRedis(config.redisUrl, 'worker'), logger, closers),
    prefix: config.queuePrefix,
    ratePerSecond: config.outgoingRatePerSecond,
    pace: backend.pace,
    outbox,
    logger,
    send: outgoingProcessor({ outbox, users: messengerUserRepository(db), messenger, logger, metrics }),
    broadcast: broadcastProcessor({
      broadcasts: broadcastRepository(db),
      outgoing: backend.outgoing,
      queue: backend.outgoingQueue,
      messenger,
      clock,
      statusMessage: broadcastStatus(backend.i18n),
      progressEveryMs: BROADCAST_PROGRESS_MS,
    }),
    qrRefresh: qrRefreshProcessor({
      digitalId: backend.digitalId,
      messenger,
      screen: backend.screen,
      scheduler: backend.scheduler,
      pace: backend.pace,
      clock,
      logger,
      metrics,
    }),
  });
  // Finishes the jobs in hand before the connections close.
  closers.push(() => worker.close());
  const recovery = startRecoveryWorker({
    connection: trackRedis(createRedis(config.redisUrl, 'worker'), logger, closers),
    prefix: config.queuePrefix,
    service: backend.trustedContact,
    store: backend.trustedContactStore,
    callback: backend.portalCallback,
    clock,
    logger,
  });
  closers.push(() => recovery.close());
  const maintenance = await startMaintenance({
    db,
    relayUnsent: () => backend.outgoing.relayUnsent(),
    startSweeper: () => backend.recoveryJobs.startSweeper(),
    digitalId: backend.digitalId,
    scheduler: backend.scheduler,
    trustedContact: backend.trustedContact,
    clock,
    logger,
  });
  closers.push(async () => maintenance.stop());
  backend.onRedisBack(() =>
    maintenance.catchUp().catch((err) => logger.warn({ err: err.message }, 'catching up after Redis failed')),
  );
}

async function startBotRole(
  config: Config,
  logger: Logger,
  closers: Closers,
  backend: Backend,
  target: MessengerTarget,
  deps: { http: FastifyInstance; metrics: Metrics; clock: Clock },
): Promise<void> {
  const { db } = backend.database;
  const { i18n } = backend;
  const users = messengerUserRepository(db);
  const admins = adminRepository({ db, keys: backend.keys });
  const leave = personLeaves({
    liveSessionOf: admins.liveSessionOf,
    revokeSession: backend.digitalId.revoke,
    endRelationships: backend.trustedContact.endAllOf,
  });
  const admin = adminService({
    store: admins,
    bootstrapAdmins: config.adminIds,
    hasAdminRole: (userId) => backend.roles.hasRole(userId, 'admin'),
    leave,
    clock: deps.clock,
    timing: {
      tokenTtlSeconds: config.digitalId.tokenTtlSeconds,
      skewSeconds: config.digitalId.verifyClockSkewSeconds,
    },
  });
  // Aborted first on stop, so updates held through an outage do not keep the process alive.
  const stopping = new AbortController();
  const { bot, guardWebhook, inbox } = createBot({
    token: target.token,
    apiRoot: target.apiRoot,
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
    personalData: personalDataRepository(db, deriveKey(backend.masterKey, 'phone-hash')),
    linking: accountLinking({ accounts: backend.accounts, links: backend.accounts, otp: backend.otp }),
    trustedContact: backend.trustedContact,
    leave,
    notifier: queueNotifier({ users, outgoing: backend.outgoing, i18n }),
    digitalId: { digitalId: backend.digitalId, screen: backend.screen, scheduler: backend.scheduler },
    admin: {
      service: admin,
      admins,
      verifierKeys: backend.verifierKeys,
      screen: backend.screen,
      clock: deps.clock,
      queueSummary: backend.queueCounts,
      verificationsToday: () => backend.tally.today('verifications'),
      pageViewsToday: () => backend.tally.today('page-views'),
    },
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
  for (const adminId of await admin.adminUsers())
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
    const { url, secret } = config.delivery;
    deps.http.post(
      new URL(url).pathname,
      guardWebhook(webhookCallback(bot, 'fastify', { secretToken: secret })),
    );
    await bot.api.setWebhook(url, { secret_token: secret });
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

function startQrReader(closers: Closers): QrReader {
  const reader = qrReader();
  closers.push(() => reader.close());
  return reader;
}

async function listen(
  http: FastifyInstance,
  config: Config,
  logger: Logger,
  closers: Closers,
): Promise<string> {
  await http.listen({ port: config.port, host: '0.0.0.0' });
  closers.push(() => http.close());
  const { port } = http.server.address() as AddressInfo;
  const httpUrl = `http://127.0.0.1:${port}`;
  logger.info({ url: httpUrl, roles: [...config.roles] }, `HTTP server listening on ${httpUrl}`);
  return httpUrl;
}
