import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerAppDigitalIdRoutes } from '../../api/app-digital-id';
import { registerMiniAppPages } from '../../api/app-page';
import { registerAppVerifyRoute } from '../../api/app-verify';
import { failedAuthLimit } from '../../api/failed-auth-limit';
import { registerQueueDashboard } from '../../api/queue-dashboard';
import { registerRecoveryRoutes } from '../../api/recovery-requests';
import { registerVerificationPage } from '../../api/verification-page';
import { cachedVerifierAuthentication } from '../../api/verifier-auth';
import { registerVerifyRoute } from '../../api/verify';
import { verificationWords } from '../../bot/verification-words';
import type { Clock } from '../../core/clock';
import { launchDataChecker } from '../../core/mini-app/launch-data';
import { messengerUserRepository } from '../../db/repositories/messenger-user.repository';
import { redisAppLiveSessions } from '../../infra/app-live-sessions';
import type { Closers } from '../../infra/closers';
import { personRate } from '../../infra/person-rate';
import { createRedis, trackRedis } from '../../infra/redis';
import type { Config } from '../config';
import { listenForRevocations } from '../verifier-key-revocations';
import type { Backend } from './backend';

/**
 * The api role: POST /api/v1/verify for checkouts, the /v/ page, the portal's recovery requests,
 * the Mini Apps' API and the queue dashboard, on this process's HTTP server. `botToken` is the
 * messenger's (the sandbox's when it runs): it signs the Mini Apps' launch data; without one,
 * as in an API-only process with no BOT_TOKEN, the Mini Apps' API is off. `publicUrl` is
 * PUBLIC_URL, else this server's address, known only once it listens.
 */
export async function startApiRole(
  config: Config,
  logger: Logger,
  clock: Clock,
  closers: Closers,
  backend: Backend,
  http: FastifyInstance,
  botToken: string | undefined,
  publicUrl: () => string,
): Promise<void> {
  const auth = cachedVerifierAuthentication({
    keys: backend.verifierKeys,
    clock,
    logger,
    ttlSeconds: config.verifierKeyCacheSeconds,
  });
  // Revocations from any process (or the command line) reach this one's cache at once; after
  // a lost connection nothing cached is trusted, since announcements may have been missed.
  const revocations = trackRedis(createRedis(config.redisUrl, 'worker'), logger, closers, auth.forgetAll);
  await listenForRevocations(revocations, config.queuePrefix, auth.forget);
  const failures = failedAuthLimit({
    redis: backend.redis,
    prefix: config.queuePrefix,
    perMinute: config.authFailuresPerMinute,
    clock,
  });
  await registerVerifyRoute(http, {
    verification: backend.measured('api'),
    auth,
    failures,
    ratePerMinute: config.digitalId.verifyRatePerMinute,
    redis: backend.redis,
    redisPrefix: config.queuePrefix,
  });
  if (botToken) await registerMiniAppApi(config, clock, backend, http, botToken, publicUrl);
  if (backend.portalToken)
    await registerRecoveryRoutes(http, {
      service: backend.trustedContact,
      portalToken: backend.portalToken,
      failures,
    });
  if (config.adminDashboardToken)
    await registerQueueDashboard(http, {
      queues: [backend.outgoingQueue, backend.recoveryQueue],
      token: config.adminDashboardToken,
    });
  await registerVerificationPage(http, {
    verification: backend.measured('page'),
    clock,
    words: (locale, answer, at) => verificationWords(backend.i18n, locale, answer, at),
    text: (locale, key) => backend.i18n.t(locale, key),
    rate: {
      perMinute: config.digitalId.pageRatePerMinute,
      redis: backend.redis,
      redisPrefix: config.queuePrefix,
    },
  });
}

/** The citizen's and the cashier's Mini Apps (PRODUCT.md §8), behind the messenger's launch data. */
async function registerMiniAppApi(
  config: Config,
  clock: Clock,
  backend: Backend,
  http: FastifyInstance,
  botToken: string,
  publicUrl: () => string,
): Promise<void> {
  const launchData = launchDataChecker({ botToken, maxAgeSeconds: config.appInitMaxAgeSeconds, clock });
  const users = messengerUserRepository(backend.database.db);
  const isBlocked = async (userId: number) => Boolean((await users.findById(userId))?.blockedAt);
  const actions = personRate({ redis: backend.redis, prefix: config.queuePrefix, windowMs: 10_000 });
  const overLimit = async (userId: number) =>
    ((await actions(userId)) ?? 0) > config.userRateLimitPer10Seconds;
  await registerAppDigitalIdRoutes(http, {
    sessions: backend.appSessions,
    launchData,
    isBlocked,
    overLimit,
    liveSessions: redisAppLiveSessions({ redis: backend.redis, prefix: config.queuePrefix }),
    openMaxAgeSeconds: config.appOpenMaxAgeSeconds,
  });
  await registerMiniAppPages(http, {
    text: (locale, key) => backend.i18n.t(locale, key),
    publicUrl,
  });
  await registerAppVerifyRoute(http, {
    verification: backend.measured('app'),
    launchData,
    isBlocked,
    overLimit,
    isVerifier: (userId) => backend.roles.hasRole(userId, 'verifier'),
    ratePerMinute: config.digitalId.verifyRatePerMinute,
    redis: backend.redis,
    redisPrefix: config.queuePrefix,
  });
}
