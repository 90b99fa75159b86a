import type { Platform } from '../../app/config';
import { type Config, parseConfig } from '../../app/config';
import { type Service, type ServiceOptions, startService } from '../../app/service';
import { createLogger } from '../../infra/logger';
import { SandboxClient } from '../../sandbox/client';
import { createTestDatabase } from './postgres';
import { REDIS_URL, testQueuePrefix } from './redis';
import { startScript } from './run-process';
import { waitFor } from './wait';

/**
 * Tests drive the bot far faster than any person could; the per-person cap is lifted unless a
 * test sets it (test/e2e/throttle.test.ts checks the real one).
 */
const TEST_PACE = { USER_RATE_LIMIT_PER_10_SECONDS: '10000' };

export interface TestService {
  service: Service;
  database: NonNullable<Service['backend']>['database'];
  outgoing: NonNullable<Service['backend']>['outgoing'];
  config: Config;
  /** The messenger the bot speaks, and the sandbox with it. */
  platform: Platform;
  /** The test's own PostgreSQL database, for running the command-line tools against it. */
  databaseUrl: string;
  sandbox: SandboxClient;
  stop(): Promise<void>;
}

/**
 * The whole service as `npm start` runs it (sandbox, bot, API, workers in one process) on a
 * fresh PostgreSQL database, a Redis prefix of its own and free ports; on Telegram unless
 * `options.platform` says MAX.
 */
export async function startTestService(
  env: Record<string, string> = {},
  options: ServiceOptions & { databasePort?: number; logLines?: string[]; platform?: Platform } = {},
): Promise<TestService> {
  const platform = options.platform ?? 'telegram';
  const database = await createTestDatabase();
  // The service may reach the database through a port of the test's own (a proxy it can cut).
  const serviceDatabaseUrl = new URL(database.url);
  if (options.databasePort) serviceDatabaseUrl.port = String(options.databasePort);
  const queue = testQueuePrefix();
  const config = parseConfig({
    NODE_ENV: 'test',
    DATABASE_URL: serviceDatabaseUrl.toString(),
    REDIS_URL,
    QUEUE_PREFIX: queue.prefix,
    PORT: '0',
    SANDBOX_PORT: '0',
    SANDBOX_RATE_PER_SECOND: '0',
    ...TEST_PACE,
    ...(platform === 'max' ? { PLATFORM: 'max' } : {}),
    ...env,
  });
  const logger = options.logLines
    ? createLogger('info', { write: (line: string) => options.logLines?.push(line) })
    : createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const service = await startService(config, logger, options);
  if (!service.sandbox || !service.backend) throw new Error('the test service runs every role');
  const started: TestService = {
    service,
    database: service.backend.database,
    outgoing: service.backend.outgoing,
    config,
    platform,
    databaseUrl: database.url,
    sandbox: new SandboxClient(service.sandbox.url),
    async stop() {
      await service.stop();
      await queue.cleanup();
      await database.drop();
    },
  };
  if (service.sandbox.dialect !== platform) {
    await started.stop();
    throw new Error(
      `PLATFORM=${platform} started a ${service.sandbox.dialect} sandbox: is ${platform} wired?`,
    );
  }
  return started;
}

/** The checks of /readyz, once it answers `status` (as a load balancer would see it). */
export function readinessOnce(t: TestService, status: 200 | 503): Promise<Record<string, string>> {
  return waitFor(async () => {
    const response = await fetch(`${t.service.httpUrl}/readyz`);
    const { checks } = (await response.json()) as { checks: Record<string, string> };
    return response.status === status && checks;
  }, `/readyz to answer ${status}`);
}

/**
 * Another process of the service (a worker, a bot) joining the in-process one: the same
 * database, queues and sandbox, so it can be killed and restarted on its own. `env` adds its
 * ROLES and whatever else it needs (the same KEY_ENCRYPTION_KEY, for one).
 */
export function startRoleProcess(t: TestService, env: Record<string, string>) {
  const sandbox = t.service.sandbox as NonNullable<Service['sandbox']>;
  return startScript(
    'app/main.ts',
    {
      DATABASE_URL: t.databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: t.config.queuePrefix,
      BOT_TOKEN: sandbox.token,
      BOT_API_ROOT: sandbox.url,
      SMS_HTTP_URL: sandbox.smsUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
      ...TEST_PACE,
      ...(t.platform === 'max' ? { PLATFORM: 'max' } : {}),
      ...env,
    },
    /HTTP server listening on http:\/\/[0-9.:]+/,
  );
}
