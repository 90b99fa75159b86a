import type { I18n } from '@grammyjs/i18n';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { registerHealthRoutes } from '../../api/health';
import { registerKeysRoute } from '../../api/keys';
import type { FormContext } from '../../bot/context';
import { type QrScreen, qrScreen } from '../../bot/features/digital-id/qr-screen';
import { createI18n } from '../../bot/i18n';
import { noticeRenderer } from '../../bot/platform/notice-renderer';
import type { Clock } from '../../core/clock';
import { type AppSessions, appSessions } from '../../core/digital-id/app-sessions';
import { type DigitalIdService, digitalIdService } from '../../core/digital-id/digital-id-service';
import type { Keyring } from '../../core/digital-id/keyring';
import type { RefreshScheduler } from '../../core/digital-id/refresh-scheduler';
import type { AccountDirectory, LinkStore } from '../../core/identity/account-linking';
import { type OtpService, otpService } from '../../core/otp/otp-service';
import {
  type TrustedContactService,
  trustedContactService,
} from '../../core/trusted-contact/trusted-contact-service';
import type { TrustedContactStore } from '../../core/trusted-contact/trusted-contact-store';
import { type DigitalIdVerification, digitalIdVerification } from '../../core/verification/verification';
import { type VerifierKeys, verifierKeys } from '../../core/verification/verifier-keys';
import type { DatabaseHandle } from '../../db/client';
import { accountRepository } from '../../db/repositories/account.repository';
import { digitalIdSessionRepository } from '../../db/repositories/digital-id-session.repository';
import { noticeWriter } from '../../db/repositories/notice-writer';
import { otpRepository } from '../../db/repositories/otp.repository';
import { outgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import type { RoleRepository } from '../../db/repositories/role.repository';
import { cachedKeyring, type SigningKeyRepository } from '../../db/repositories/signing-key.repository';
import { tokenUseRepository } from '../../db/repositories/token-use.repository';
import { trustedContactRepository } from '../../db/repositories/trusted-contact.repository';
import { verifierKeyRepository } from '../../db/repositories/verifier-key.repository';
import { redisAppQrCache } from '../../infra/app-qr-cache';
import type { Closers } from '../../infra/closers';
import { type Metrics, measuredVerification, type VerificationChannel } from '../../infra/metrics';
import { checkRedis } from '../../infra/redis';
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
import {
  type RecoveryJobQueue,
  type RecoveryQueue,
  recoveryJobs,
} from '../../workers/recovery/recovery.jobs';
import { portalSettings } from '../backend/portal';
import { startProducers } from '../backend/producers';
import { openStorage, type Storage } from '../backend/storage';
import type { Config, Platform } from '../config';
import { deriveKey } from '../secrets';
import { announceRevocation } from '../verifier-key-revocations';

/** A broadcast's status message is edited at most this often. */
export const BROADCAST_PROGRESS_MS = 3000;

/** Where this process reaches the messenger: its own sandbox, or the configured Bot API. */
export type MessengerTarget = {
  platform: Platform;
  token: string;
  apiRoot: string | undefined;
  /** The sandbox in this process: http, and no real people. */
  viaSandbox: boolean;
};

/** What every role of the process shares: storage, queues, and the domain services over them. */
export interface Backend {
  database: DatabaseHandle;
  outgoing: OutgoingProducer;
  masterKey: Buffer;
  accounts: AccountDirectory & LinkStore;
  digitalId: DigitalIdService;
  /** The Digital ID drawn by the Mini App (PRODUCT.md §8). */
  appSessions: AppSessions;
  keys: SigningKeyRepository;
  verification: DigitalIdVerification;
  roles: RoleRepository;
  otp: OtpService;
  trustedContact: TrustedContactService;
  trustedContactStore: TrustedContactStore;
  recoveryQueue: RecoveryQueue;
  recoveryJobs: RecoveryJobQueue;
  /** Where final recovery statuses are posted, if anywhere. */
  portalCallback: { url: string; secret: string } | null;
  /** The bearer token of the recovery API; none means the API is off in this process. */
  portalToken: string | undefined;
  /** Jobs per state, per queue, for operators. */
  queueCounts(): Promise<Record<string, Record<string, number>>>;
  outgoingQueue: OutgoingQueue;
  i18n: I18n<FormContext>;
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

interface BackendDeps {
  http: FastifyInstance;
  metrics: Metrics;
  sandbox: Sandbox | null;
  publicUrl: () => string;
}

/** Redis, the database (migrated), the queues' producers, the domain services, readiness checks. */
export async function startBackend(
  config: Config,
  logger: Logger,
  clock: Clock,
  closers: Closers,
  deps: BackendDeps,
): Promise<Backend> {
  // Redis is asked first: its clear refusal beats a migration run for nothing.
  await checkRedis(config.redisUrl);
  const storage = await openStorage(config, logger, clock, closers, {
    demo: deps.sandbox !== null,
    onStatement: config.dbStatementMetrics ? () => deps.metrics.dbStatements.inc() : undefined,
  });
  const producers = startProducers(config, logger, closers);
  const { database, keys } = storage;
  const { db } = database;
  const keyring = cachedKeyring(keys, () => clock.now().getTime());
  const outgoing = outgoingProducer({
    outbox: outgoingMessageRepository(db),
    queue: producers.outgoingQueue,
  });
  const pace = sendPace({
    redis: producers.redis,
    prefix: config.queuePrefix,
    ratePerSecond: config.outgoingRatePerSecond,
  });
  const accounts = accountRepository(db);
  const i18n = createI18n();
  const verification = digitalIdVerification({
    keyring,
    ed25519: storage.ed25519,
    uses: tokenUseRepository(db),
    clock,
    skewSeconds: config.digitalId.verifyClockSkewSeconds,
  });
  const tally = verificationTally({ redis: producers.redis, prefix: config.queuePrefix, clock });
  closers.push(() => tally.close());
  registerHealthRoutes(deps.http, {
    checks: { database: () => database.ping(), redis: async () => void (await producers.redis.ping()) },
  });
  registerKeysRoute(deps.http, keyring);
  const scheduler = qrRefreshScheduler({ queue: producers.outgoingQueue, clock, pace });
  const services = domainServices(config, logger, clock, {
    storage,
    keyring,
    accounts,
    deps,
    redis: producers.redis,
    scheduler,
  });
  const portal = portalSettings(config, deps.sandbox);
  const recovery = recoveryJobs(producers.recoveryQueue, clock, {
    callbacks: portal.callback !== null,
    logger,
  });
  const trustedContactStore = trustedContactRepository(db, noticeWriter(noticeRenderer(i18n)));
  return {
    ...producers,
    ...services,
    database,
    outgoing,
    masterKey: storage.masterKey,
    accounts,
    keys,
    verification,
    roles: storage.roles,
    trustedContact: trustedContactService({
      store: trustedContactStore,
      accounts,
      otp: services.otp,
      clock,
      settings: config.trustedContact,
      jobs: recovery,
      // A row that cannot be queued now (Redis away) is relayed by the worker later.
      dispatch: ({ outboxIds }) =>
        outgoing
          .enqueue(outboxIds)
          .catch((err) => logger.warn({ err: err.message }, 'outbox rows left for the relay')),
      smsText: (code) => i18n.t('ru', 'sms-recovery-code', { code }),
    }),
    trustedContactStore,
    recoveryJobs: recovery,
    portalCallback: portal.callback,
    portalToken: portal.token,
    i18n,
    screen: qrScreen(i18n),
    scheduler,
    pace,
    measured: (channel) => measuredVerification(verification, deps.metrics, channel, tally),
    tally,
    verifierKeys: verifierKeys(verifierKeyRepository(db), {
      clock,
      cacheSeconds: config.verifierKeyCacheSeconds,
      announceRevoked: (id) => announceRevocation(producers.redis, config.queuePrefix, id),
    }),
  };
}

/** The Digital ID and the one-time codes, over the storage. */
function domainServices(
  config: Config,
  logger: Logger,
  clock: Clock,
  parts: {
    storage: Storage;
    keyring: Keyring;
    accounts: AccountDirectory;
    deps: BackendDeps;
    redis: Redis;
    scheduler: RefreshScheduler;
  },
): { digitalId: DigitalIdService; appSessions: AppSessions; otp: OtpService } {
  const { storage, deps } = parts;
  const { db } = storage.database;
  const digitalIdDeps = {
    sessions: digitalIdSessionRepository(db),
    accounts: parts.accounts,
    keyring: parts.keyring,
    ed25519: storage.ed25519,
    clock,
    timing: {
      refreshSeconds: config.digitalId.qrRefreshSeconds,
      sessionSeconds: config.digitalId.qrSessionSeconds,
      tokenTtlSeconds: config.digitalId.tokenTtlSeconds,
    },
    publicUrl: deps.publicUrl,
    appQrs: redisAppQrCache({
      redis: parts.redis,
      prefix: config.queuePrefix,
      clock,
      logger,
      refreshSeconds: config.digitalId.qrRefreshSeconds,
    }),
  };
  const digitalId = digitalIdService(digitalIdDeps);
  const otp = otpService({
    store: otpRepository(db),
    sms: httpSmsGateway(
      { url: config.smsHttpUrl ?? deps.sandbox?.smsUrl ?? '', token: config.smsHttpToken },
      logger,
    ),
    clock,
    pepper: deriveKey(storage.masterKey, 'otp-pepper'),
    phoneKey: deriveKey(storage.masterKey, 'phone-hash'),
    smsMaxPerPhonePerDay: config.smsMaxPerPhonePerDay,
  });
  return {
    digitalId,
    appSessions: appSessions({ ...digitalIdDeps, scheduler: parts.scheduler }),
    otp,
  };
}
