import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { registerHealthRoutes } from '../../api/health';
import { registerKeysRoute } from '../../api/keys';
import { type QrScreen, qrScreen } from '../../bot/features/digital-id/qr-screen';
import { createI18n } from '../../bot/i18n';
import { noticeRenderer } from '../../bot/platform/notice-renderer';
import type { Clock } from '../../core/clock';
import { type DigitalIdService, digitalIdService } from '../../core/digital-id/digital-id-service';
import { nodeEd25519 } from '../../core/digital-id/ed25519';
import type { RefreshScheduler } from '../../core/digital-id/refresh-scheduler';
import { moscowDate } from '../../core/identity/calendar';
import { type OtpService, otpService } from '../../core/otp/otp-service';
import {
  type TrustedContactService,
  trustedContactService,
} from '../../core/trusted-contact/trusted-contact-service';
import { type DigitalIdVerification, digitalIdVerification } from '../../core/verification/verification';
import { type VerifierKeys, verifierKeys } from '../../core/verification/verifier-keys';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { DEMO_VERIFIER_ACCOUNT, demoRegistry } from '../../db/registry/demo-registry';
import { importRegistry } from '../../db/registry/import-registry';
import { countAccounts } from '../../db/registry/registry-size';
import { accountRepository } from '../../db/repositories/account.repository';
import { digitalIdSessionRepository } from '../../db/repositories/digital-id-session.repository';
import { noticeWriter } from '../../db/repositories/notice-writer';
import { otpRepository } from '../../db/repositories/otp.repository';
import { outgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import { type RoleRepository, roleRepository } from '../../db/repositories/role.repository';
import {
  cachedKeyring,
  type SigningKeyRepository,
  signingKeyRepository,
} from '../../db/repositories/signing-key.repository';
import { tokenUseRepository } from '../../db/repositories/token-use.repository';
import { trustedContactRepository } from '../../db/repositories/trusted-contact.repository';
import { verifierKeyRepository } from '../../db/repositories/verifier-key.repository';
import type { Closers } from '../../infra/closers';
import { type Metrics, measuredVerification, type VerificationChannel } from '../../infra/metrics';
import { producerQueue } from '../../infra/queue';
import { checkRedis, createRedis, trackRedis } from '../../infra/redis';
import { type VerificationTally, verificationTally } from '../../infra/verification-tally';
import type { Sandbox } from '../../sandbox/server';
import { httpSmsGateway } from '../../sms/http-sms-gateway';
import {
  type OutgoingProducer,
  type OutgoingQueue,
  outgoingProducer,
} from '../../workers/outgoing/outgoing.producer';
import { type SendPace, sendPace } from '../../workers/outgoing/send-pace';
import { qrRefreshScheduler } from '../../workers/qr-refresh/qr-refresh.scheduler';
import { QUEUES } from '../../workers/queues';
import { type RecoveryQueue, recoveryJobs } from '../../workers/recovery/recovery.jobs';
import type { Config } from '../config';
import { deriveKey, resolveMasterKey } from '../secrets';
import { announceRevocation } from '../verifier-key-revocations';

/** A broadcast's status message is edited at most this often. */
export const BROADCAST_PROGRESS_MS = 3000;

/** Where this process reaches the messenger: its own sandbox, or the configured Bot API. */
export type MessengerTarget = { token: string; apiRoot: string | undefined };

export interface Backend {
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

/** Redis, the database (migrated), the queues' producers, the domain services, readiness checks. */
export async function startBackend(
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
