import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { failedAuthLimit } from '../../api/failed-auth-limit';
import { registerQueueDashboard } from '../../api/queue-dashboard';
import { registerRecoveryRoutes } from '../../api/recovery-requests';
import { registerVerificationPage } from '../../api/verification-page';
import { cachedVerifierAuthentication } from '../../api/verifier-auth';
import { registerVerifyRoute } from '../../api/verify';
import { verificationWords } from '../../bot/verification-words';
import type { Clock } from '../../core/clock';
import type { Closers } from '../../infra/closers';
import { createRedis, trackRedis } from '../../infra/redis';
import type { Config } from '../config';
import { listenForRevocations } from '../verifier-key-revocations';
import type { Backend } from './backend';

/**
 * The api role: POST /api/v1/verify for checkouts, the /v/ page, the portal's recovery requests
 * and the queue dashboard, on this process's HTTP server.
 */
export async function startApiRole(
  config: Config,
  logger: Logger,
  clock: Clock,
  closers: Closers,
  backend: Backend,
  http: FastifyInstance,
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
