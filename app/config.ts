import { z } from 'zod';
import { LOG_FORMATS } from '../infra/log-format';
import { timingProblems } from './timing-checks';

export const ROLES = ['bot', 'api', 'worker', 'sandbox'] as const;
export type Role = (typeof ROLES)[number];

/** The messenger's protocol: the Telegram Bot API, or MAX's Bot API (docs/max.md). */
export const PLATFORMS = ['telegram', 'max'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Where a MAX bot's requests go unless BOT_API_ROOT says otherwise (PRODUCT.md §7). */
export const MAX_API_ROOT = 'https://platform-api2.max.ru';

const TOKEN_SHAPE: Record<Platform, { pattern: RegExp; hint: string }> = {
  telegram: {
    pattern: /^\d+:[A-Za-z0-9_-]{20,}$/,
    hint: 'must look like 123456:ABC… (the token BotFather gives)',
  },
  // MAX publishes no token format: printable, no spaces, and long enough to be a secret.
  max: {
    pattern: /^[\x21-\x7e]{20,}$/,
    hint: 'must be the token from business.max.ru (20+ characters, no spaces)',
  },
};

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const optionalUrl = optionalText.pipe(z.url().optional());
const redisUrl = z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL');

const env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: optionalText.pipe(z.enum(LOG_FORMATS).optional()),
  PLATFORM: z.enum(PLATFORMS).default('telegram'),
  /** Its shape depends on PLATFORM: checked in parseConfig. */
  BOT_TOKEN: optionalText,
  BOT_API_ROOT: optionalUrl,
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
  ),
  PGLITE_DIR: z.string().min(1).default('.data/pglite'),
  REDIS_URL: optionalText.pipe(redisUrl.optional()),
  /** Where a Redis is looked for when REDIS_URL is unset (a test points it at a closed port). */
  REDIS_DEFAULT_URL: redisUrl.default('redis://127.0.0.1:6379'),
  REDIS_PRIVATE_DIR: z.string().min(1).default('.data/redis'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('gms'),
  PORT: port.default(8080),
  HOST: optionalText.pipe(z.ipv4().or(z.ipv6()).optional()),
  METRICS_PORT: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, 'must be a port number')
      .transform(Number)
      .pipe(z.number().max(65_535))
      .optional(),
  ),
  TRUST_PROXY: optionalText.pipe(
    z
      .string()
      .regex(
        /^(true|[0-9A-Fa-f]*[.:][0-9A-Fa-f.:/]*(\s*,\s*[0-9A-Fa-f]*[.:][0-9A-Fa-f.:/]*)*)$/,
        "true, or a comma-separated list of the proxies' addresses (CIDR allowed)",
      )
      .optional(),
  ),
  SANDBOX_PORT: port.default(8081),
  SANDBOX_RATE_PER_SECOND: z.coerce.number().int().min(0).default(30),
  PUBLIC_URL: optionalUrl,
  ROLES: optionalText,
  WEBHOOK_URL: optionalUrl,
  WEBHOOK_SECRET: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, '1–256 characters: letters, digits, _ and -')
      .optional(),
  ),
  /** MAX keeps a subscription until it is removed: remove ours on stop only when asked. */
  WEBHOOK_UNSUBSCRIBE_ON_STOP: z.enum(['true', 'false']).default('false'),
  SMS_HTTP_URL: optionalUrl,
  SMS_HTTP_TOKEN: optionalText,
  ADMIN_IDS: optionalText.pipe(
    z
      .string()
      .regex(/^\d+(\s*,\s*\d+)*$/, 'must be a comma-separated list of numeric user ids')
      .optional(),
  ),
  PORTAL_API_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  ADMIN_DASHBOARD_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  RECOVERY_CALLBACK_URL: optionalUrl,
  RECOVERY_CALLBACK_SECRET: optionalText.pipe(
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  KEY_ENCRYPTION_KEY: optionalText.pipe(
    z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
      .optional(),
  ),
  QR_REFRESH_SECONDS: positiveInt.default(30),
  QR_SESSION_SECONDS: positiveInt.default(300),
  TOKEN_TTL_SECONDS: positiveInt.max(65_535).default(45),
  VERIFY_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  VERIFY_RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  VERIFY_PAGE_RATE_PER_MINUTE: positiveInt.default(60),
  VERIFIER_KEY_CACHE_SECONDS: positiveInt.max(3600).default(60),
  APP_INIT_MAX_AGE_SECONDS: positiveInt.default(86_400),
  APP_OPEN_MAX_AGE_SECONDS: positiveInt.default(3600),
  AUTH_FAILURES_PER_MINUTE: positiveInt.default(10),
  OUTGOING_RATE_PER_SECOND: positiveInt.default(25),
  USER_RATE_LIMIT_PER_10_SECONDS: positiveInt.default(20),
  INVITATION_TTL_SECONDS: positiveInt.default(259_200),
  RECOVERY_TTL_SECONDS: positiveInt.default(3600),
  RECOVERY_MAX_PER_DAY: positiveInt.default(3),
  TRUSTORS_PER_CONTACT: positiveInt.default(5),
  SMS_MAX_PER_PHONE_PER_DAY: positiveInt.default(10),
  UPDATE_LEASE_SECONDS: positiveInt.default(60),
  DB_STATEMENT_METRICS: z.enum(['true', 'false']).default('false'),
  /**
   * Connections each process keeps to PostgreSQL. Every one is a server process: together they
   * should stay within a few per database core, or they take turns on its CPUs and the slowest
   * answers wait for them (on two cores, an API process polled 1,000 times a second had a p99 of
   * 40-68 ms with 10, 30-37 ms with 2). postgres.js pipelines queries on a connection.
   */
  DATABASE_POOL_SIZE: positiveInt.max(1000).default(10),
});

/** Every variable the service reads: deployment files may set these and nothing else. */
export const CONFIG_KEYS = Object.keys(env.shape) as (keyof typeof env.shape)[];

/** How this process reaches the messenger. */
export type MessengerMode =
  | { kind: 'sandbox'; token: string | undefined }
  /** `apiRoot` undefined: Telegram's own (grammY's default). */
  | { kind: 'bot-api'; token: string; apiRoot: string | undefined }
  /** Only the API runs here: nothing talks to the messenger. */
  | { kind: 'none' };

export type BotDelivery =
  | { kind: 'polling' }
  | { kind: 'webhook'; url: string; secret: string; unsubscribeOnStop: boolean };

export type StorageTarget =
  | { kind: 'postgres'; url: string; poolSize: number }
  | { kind: 'pglite'; dir: string };

export type Config = ReturnType<typeof shape>;

function shape(e: z.infer<typeof env>, roles: Set<Role>, adminIds: number[], warnings: string[]) {
  return {
    nodeEnv: e.NODE_ENV,
    /** Not errors, but worth shouting about when the service starts. */
    warnings,
    logLevel: e.LOG_LEVEL,
    /** Unset: chosen by where the logs go (infra/log-format.ts). */
    logFormat: e.LOG_FORMAT,
    roles,
    platform: e.PLATFORM,
    messenger: messengerMode(e, roles),
    delivery: (e.WEBHOOK_URL && e.WEBHOOK_SECRET
      ? {
          kind: 'webhook',
          url: e.WEBHOOK_URL,
          secret: e.WEBHOOK_SECRET,
          unsubscribeOnStop: e.WEBHOOK_UNSUBSCRIBE_ON_STOP === 'true',
        }
      : { kind: 'polling' }) as BotDelivery,
    storage: (e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dir: e.PGLITE_DIR }) as StorageTarget,
    /** Count SQL statements sent, in db_statements_total (the benches' cost figures). */
    dbStatementMetrics: e.DB_STATEMENT_METRICS === 'true',
    redisUrl: e.REDIS_URL ?? e.REDIS_DEFAULT_URL,
    /**
     * Where a Redis of the service's own keeps its data, if nothing answers at the default
     * address (app/redis-choice.ts); null where REDIS_URL is set, and in production, which
     * uses the Redis it is given.
     */
    privateRedisDir: e.REDIS_URL || e.NODE_ENV === 'production' ? null : e.REDIS_PRIVATE_DIR,
    queuePrefix: e.QUEUE_PREFIX,
    port: e.PORT,
    /**
     * The HTTP API's address: every interface in production (a container's port is published),
     * only this machine in development, where the demo data should not reach the network.
     */
    host: e.HOST ?? (e.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    /** /metrics on a listener of its own, or on PORT (app/metrics-listener.ts). */
    metricsPort:
      e.METRICS_PORT === undefined || (e.METRICS_PORT === e.PORT && e.PORT !== 0) ? null : e.METRICS_PORT,
    trustProxy: trustProxy(e.TRUST_PROXY),
    sandboxPort: e.SANDBOX_PORT,
    sandboxRatePerSecond: e.SANDBOX_RATE_PER_SECOND,
    publicUrl: e.PUBLIC_URL,
    smsHttpUrl: e.SMS_HTTP_URL,
    smsHttpToken: e.SMS_HTTP_TOKEN,
    adminIds,
    adminDashboardToken: e.ADMIN_DASHBOARD_TOKEN,
    portal: {
      apiToken: e.PORTAL_API_TOKEN,
      callbackUrl: e.RECOVERY_CALLBACK_URL,
      callbackSecret: e.RECOVERY_CALLBACK_SECRET,
    },
    keyEncryptionKey: e.KEY_ENCRYPTION_KEY,
    digitalId: {
      qrRefreshSeconds: e.QR_REFRESH_SECONDS,
      qrSessionSeconds: e.QR_SESSION_SECONDS,
      tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
      verifyClockSkewSeconds: e.VERIFY_CLOCK_SKEW_SECONDS,
      verifyRatePerMinute: e.VERIFY_RATE_LIMIT_PER_MINUTE,
      pageRatePerMinute: e.VERIFY_PAGE_RATE_PER_MINUTE,
    },
    outgoingRatePerSecond: e.OUTGOING_RATE_PER_SECOND,
    userRateLimitPer10Seconds: e.USER_RATE_LIMIT_PER_10_SECONDS,
    trustedContact: {
      invitationTtlSeconds: e.INVITATION_TTL_SECONDS,
      recoveryTtlSeconds: e.RECOVERY_TTL_SECONDS,
      recoveryMaxPerDay: e.RECOVERY_MAX_PER_DAY,
      trustorsPerContact: e.TRUSTORS_PER_CONTACT,
    },
    smsMaxPerPhonePerDay: e.SMS_MAX_PER_PHONE_PER_DAY,
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    verifierKeyCacheSeconds: e.VERIFIER_KEY_CACHE_SECONDS,
    appInitMaxAgeSeconds: e.APP_INIT_MAX_AGE_SECONDS,
    appOpenMaxAgeSeconds: e.APP_OPEN_MAX_AGE_SECONDS,
    updateLeaseSeconds: e.UPDATE_LEASE_SECONDS,
  };
}

/** Which proxies may name the client (X-Forwarded-For), as fastify's `trustProxy` takes it. */
const trustProxy = (value: string | undefined): boolean | string =>
  value === undefined ? false : value === 'true' ? true : value;

function messengerMode(e: z.infer<typeof env>, roles: Set<Role>): MessengerMode {
  if (roles.has('sandbox') && !e.BOT_API_ROOT) return { kind: 'sandbox', token: e.BOT_TOKEN };
  if (e.BOT_TOKEN)
    return {
      kind: 'bot-api',
      token: e.BOT_TOKEN,
      apiRoot: e.BOT_API_ROOT ?? (e.PLATFORM === 'max' ? MAX_API_ROOT : undefined),
    };
  return { kind: 'none' };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `The configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once; every problem is reported together. `roles` stands in for ROLES
 * where the process is not the service: a command-line tool runs none.
 */
export function parseConfig(
  source: Record<string, string | undefined>,
  options: { roles?: Set<Role> } = {},
): Config {
  const parsed = env.safeParse(source);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const e = parsed.success ? parsed.data : undefined;
  const roles = options.roles ?? parseRoles(source.ROLES, source.BOT_TOKEN, problems);
  // Read from the source, so a bad token is reported beside every other problem.
  const token = TOKEN_SHAPE[source.PLATFORM?.trim() === 'max' ? 'max' : 'telegram'];
  const botToken = source.BOT_TOKEN?.trim();
  if (botToken && !token.pattern.test(botToken)) problems.push(`BOT_TOKEN: ${token.hint}`);
  if (!e) throw new ConfigError(problems);

  // MAX's own rule for a subscription's secret (schema: SubscriptionRequestBody.secret).
  if (e.PLATFORM === 'max' && e.WEBHOOK_SECRET && e.WEBHOOK_SECRET.length < 5) {
    problems.push('WEBHOOK_SECRET must be 5–256 characters on MAX');
  }
  if (!e.BOT_TOKEN && e.BOT_API_ROOT) {
    problems.push(
      'BOT_API_ROOT is set but BOT_TOKEN is not: name the bot whose API server this is, or unset both to use the sandbox',
    );
  }
  const needsMessenger = roles.has('bot') || roles.has('worker');
  if (needsMessenger && !e.BOT_TOKEN && !roles.has('sandbox')) {
    problems.push(
      'BOT_TOKEN is required when the sandbox does not run in this process (ROLES has no sandbox)',
    );
  }
  if (Boolean(e.WEBHOOK_URL) !== Boolean(e.WEBHOOK_SECRET)) {
    problems.push(
      'WEBHOOK_URL and WEBHOOK_SECRET go together: set both for webhook mode, or neither for long polling',
    );
  }
  if (needsMessenger && !e.SMS_HTTP_URL && !roles.has('sandbox')) {
    problems.push(
      'SMS_HTTP_URL is required unless the sandbox runs in this process (its inbox receives the SMS)',
    );
  }
  if (e.RECOVERY_CALLBACK_URL && !e.RECOVERY_CALLBACK_SECRET) {
    problems.push('RECOVERY_CALLBACK_SECRET is required when RECOVERY_CALLBACK_URL is set');
  }
  if (e.NODE_ENV === 'production') problems.push(...productionProblems(e, roles));
  const separateProcesses = source.ROLES && !(['bot', 'api', 'worker'] as const).every((r) => roles.has(r));
  const usesDatabase = roles.has('bot') || roles.has('api') || roles.has('worker');
  if (!e.DATABASE_URL && separateProcesses && usesDatabase) {
    problems.push(
      'DATABASE_URL is required to run roles in separate processes: the embedded database serves one process',
    );
  }
  problems.push(...timingProblems(e));
  if (problems.length > 0) throw new ConfigError(problems);
  const adminIds = (e.ADMIN_IDS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const warnings: string[] = [];
  if (!source.NODE_ENV?.trim() && e.BOT_TOKEN) {
    warnings.push(
      'NODE_ENV is not set, so this runs as development against a real bot: set NODE_ENV=production ' +
        'to have the production checks (sandbox, https, secrets) enforced',
    );
  }
  // Production's https PUBLIC_URL means a TLS proxy in front, whose address every client would share.
  if (e.NODE_ENV === 'production' && roles.has('api') && !e.TRUST_PROXY) {
    warnings.push(
      "TRUST_PROXY is not set: behind a proxy every client has the proxy's address, so the per-address " +
        "limits hold for all clients together; set TRUST_PROXY to the proxies' addresses",
    );
  }
  return shape(e, roles, adminIds, warnings);
}

/** What would be unsafe with real people and a real messenger (PRODUCT.md §9). */
function productionProblems(e: z.infer<typeof env>, roles: Set<Role>): string[] {
  const problems: string[] = [];
  if (!e.KEY_ENCRYPTION_KEY) {
    problems.push('KEY_ENCRYPTION_KEY is required in production (32 random bytes, base64)');
  }
  if (roles.has('sandbox')) {
    problems.push(
      'BOT_TOKEN: production never runs the sandbox messenger; set BOT_TOKEN and leave sandbox out of ROLES',
    );
  }
  if (e.WEBHOOK_SECRET && e.WEBHOOK_SECRET.length < 16) {
    problems.push(
      'WEBHOOK_SECRET must be at least 16 characters in production: it alone proves an update came from the messenger',
    );
  }
  // fastify then takes the left-most X-Forwarded-For entry, which the client itself writes.
  if (e.TRUST_PROXY === 'true') {
    problems.push(
      "TRUST_PROXY=true is refused in production: it believes whatever client address a request names, so anyone escapes the per-address limits or spends another's; list the proxies' addresses (CIDR allowed)",
    );
  }
  // postgres.js's statement hook also makes its errors carry the query's parameters into the logs.
  if (e.DB_STATEMENT_METRICS === 'true') {
    problems.push('DB_STATEMENT_METRICS=true is for the benches and refused in production');
  }
  const urls = {
    SMS_HTTP_URL: e.SMS_HTTP_URL,
    WEBHOOK_URL: e.WEBHOOK_URL,
    PUBLIC_URL: e.PUBLIC_URL,
    BOT_API_ROOT: e.BOT_API_ROOT,
  };
  for (const [name, url] of Object.entries(urls)) {
    if (url && !url.startsWith('https://')) problems.push(`${name} must be an https:// URL in production`);
  }
  // Its default, this server's own http:// address, is right only on a developer's machine.
  if (!e.PUBLIC_URL && (roles.has('bot') || roles.has('worker') || roles.has('api'))) {
    problems.push('PUBLIC_URL is required in production: the https:// base URL put into every QR');
  }
  return problems;
}

function parseRoles(value: string | undefined, botToken: string | undefined, problems: string[]): Set<Role> {
  if (!value?.trim()) {
    // Default: every role that applies. The sandbox only stands in when there is no real bot.
    return new Set<Role>(botToken?.trim() ? ['bot', 'api', 'worker'] : ['bot', 'api', 'worker', 'sandbox']);
  }
  const roles = new Set<Role>();
  for (const raw of value.split(',')) {
    const role = raw.trim();
    if ((ROLES as readonly string[]).includes(role)) roles.add(role as Role);
    else problems.push(`ROLES: unknown role "${role}"; the roles are ${ROLES.join(', ')}`);
  }
  return roles;
}
