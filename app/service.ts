import type { AddressInfo } from 'node:net';
import { type RunnerHandle, run } from '@grammyjs/runner';
import { Queue, type Worker } from 'bullmq';
import { Api, webhookCallback } from 'grammy';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { registerHealthRoutes } from '../api/health';
import { createHttpServer } from '../api/http-server';
import { createBot } from '../bot/create-bot';
import { publishCommandMenu } from '../bot/platform/command-menu';
import { telegramMessenger } from '../bot/platform/telegram-messenger';
import { type Clock, systemClock } from '../core/clock';
import { moscowDate } from '../core/identity/calendar';
import { type DatabaseHandle, openDatabase } from '../db/client';
import { demoRegistry } from '../db/registry/demo-registry';
import { importRegistry } from '../db/registry/import-registry';
import { countAccounts } from '../db/registry/registry-size';
import { messengerUserRepository } from '../db/repositories/messenger-user.repository';
import { outgoingMessageRepository } from '../db/repositories/outgoing-message.repository';
import { processedUpdateRepository } from '../db/repositories/processed-update.repository';
import { type Sandbox, startSandbox } from '../sandbox/server';
import { outgoingProcessor } from '../workers/outgoing/outgoing.processor';
import {
  type OutgoingProducer,
  type OutgoingQueue,
  outgoingProducer,
} from '../workers/outgoing/outgoing.producer';
import { startOutgoingWorker } from '../workers/outgoing/outgoing.worker';
import { QUEUES } from '../workers/queues';
import type { Config } from './config';
import { createMetrics, type Metrics } from './metrics';
import { checkRedis, createRedis } from './redis';

export interface Service {
  /** This process's HTTP server (health, metrics, API). */
  httpUrl: string;
  publicUrl: string;
  sandbox: Sandbox | null;
  database: DatabaseHandle;
  metrics: Metrics;
  outgoing: OutgoingProducer;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
}

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
  const closers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const close of closers.reverse()) {
      await close().catch((err) => logger.error({ err }, 'error while stopping'));
    }
  };
  try {
    return await assemble(config, logger, clock, closers, stop);
  } catch (err) {
    await stop();
    throw err;
  }
}

async function assemble(
  config: Config,
  logger: Logger,
  clock: Clock,
  closers: Array<() => Promise<unknown>>,
  stop: () => Promise<void>,
): Promise<Service> {
  const { roles } = config;
  const metrics = createMetrics();

  let sandbox: Sandbox | null = null;
  if (roles.has('sandbox')) {
    sandbox = await startSandbox({
      port: config.sandboxPort,
      token: config.messenger.kind === 'sandbox' ? config.messenger.token : undefined,
      ratePerSecond: config.sandboxRatePerSecond,
      logger,
    });
    closers.push(() => (sandbox as Sandbox).close());
    logger.info({ url: sandbox.url }, `sandbox messenger listening on ${sandbox.url}`);
  }

  await checkRedis(config.redisUrl);
  const database = await openDatabase(config.storage);
  closers.push(() => database.close());
  await database.migrate();
  const { db } = database;

  if (sandbox && (await countAccounts(db)) === 0) {
    const summary = await importRegistry(db, demoRegistry(moscowDate(clock.now())));
    logger.info({ accounts: summary.total }, 'loaded the demo registry into the empty database');
  }

  const outbox = outgoingMessageRepository(db);
  const users = messengerUserRepository(db);
  const producerRedis = trackRedis(createRedis(config.redisUrl, 'producer'), logger, closers);
  const outgoingQueue: OutgoingQueue = new Queue(QUEUES.outgoing.name, {
    connection: producerRedis,
    prefix: config.queuePrefix,
  });
  closers.push(() => outgoingQueue.close());
  const outgoing = outgoingProducer({ outbox, queue: outgoingQueue });

  const token = sandbox
    ? sandbox.token
    : config.messenger.kind === 'bot-api'
      ? config.messenger.token
      : undefined;
  const apiRoot = sandbox
    ? sandbox.url
    : config.messenger.kind === 'bot-api'
      ? config.messenger.apiRoot
      : undefined;

  const http = createHttpServer(logger, metrics);
  registerHealthRoutes(http, {
    registry: metrics.registry,
    checks: {
      database: () => database.ping(),
      redis: async () => {
        await producerRedis.ping();
      },
    },
    beforeScrape: async () => {
      const counts = await outgoingQueue.getJobCounts('waiting', 'delayed', 'active', 'failed');
      for (const [state, n] of Object.entries(counts))
        metrics.queueJobs.set({ queue: QUEUES.outgoing.name, state }, n);
    },
  });

  if (roles.has('worker') && token) {
    const messengerApi = new Api(token, apiRoot ? { apiRoot } : {});
    const workerRedis = trackRedis(createRedis(config.redisUrl, 'worker'), logger, closers);
    const worker: Worker = startOutgoingWorker({
      connection: workerRedis,
      prefix: config.queuePrefix,
      ratePerSecond: config.outgoingRatePerSecond,
      outbox,
      logger,
      process: outgoingProcessor({
        outbox,
        users,
        messenger: telegramMessenger(messengerApi),
        logger,
        metrics,
      }),
    });
    // Finishes the jobs in hand before the connections close.
    closers.push(() => worker.close());
    const relayed = await outgoing.relayUnsent();
    if (relayed > 0) logger.info({ relayed }, 'queued unsent outbox messages again');
  }

  let runner: RunnerHandle | null = null;
  if (roles.has('bot') && token) {
    const { bot, i18n } = createBot({
      token,
      apiRoot,
      processedUpdates: processedUpdateRepository(db),
      users,
      logger,
      metrics,
    });
    await bot.init();
    await publishCommandMenu(bot.api, i18n);
    if (config.delivery.kind === 'webhook') {
      const { url, secret } = config.delivery;
      http.post(new URL(url).pathname, webhookCallback(bot, 'fastify', { secretToken: secret }));
      await bot.api.setWebhook(url, { secret_token: secret });
      logger.info({ url }, 'receiving updates by webhook');
    } else {
      await bot.api.deleteWebhook();
      runner = run(bot, {
        runner: { fetch: { allowed_updates: ['message', 'callback_query', 'my_chat_member'] } },
      });
      const handle = runner;
      closers.push(async () => {
        if (handle.isRunning()) await handle.stop();
      });
      logger.info({ bot: bot.botInfo.username }, 'receiving updates by long polling');
    }
  }

  await http.listen({ port: config.port, host: '0.0.0.0' });
  closers.push(() => http.close());
  const { port } = http.server.address() as AddressInfo;
  const httpUrl = `http://127.0.0.1:${port}`;
  logger.info({ url: httpUrl, roles: [...roles] }, `HTTP server listening on ${httpUrl}`);

  return {
    httpUrl,
    publicUrl: config.publicUrl ?? httpUrl,
    sandbox,
    database,
    metrics,
    outgoing,
    stop,
  };
}

function trackRedis(redis: Redis, logger: Logger, closers: Array<() => Promise<unknown>>): Redis {
  let warned = false;
  redis.on('error', (err) => {
    if (!warned) logger.error({ err: err.message }, 'Redis connection error; reconnecting');
    warned = true;
  });
  redis.on('ready', () => {
    warned = false;
  });
  closers.push(async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  return redis;
}
