import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../app/config';

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('defaults to every role on the sandbox and the embedded database', () => {
    const config = parseConfig({});
    expect([...config.roles].sort()).toEqual(['api', 'bot', 'sandbox', 'worker']);
    expect(config.messenger).toEqual({ kind: 'sandbox', token: undefined });
    expect(config.storage).toEqual({ kind: 'pglite', dir: '.data/pglite' });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect([config.port, config.sandboxPort]).toEqual([8080, 8081]);
    expect(config.digitalId).toEqual({
      qrRefreshSeconds: 30,
      qrSessionSeconds: 300,
      tokenTtlSeconds: 45,
      verifyClockSkewSeconds: 5,
      verifyRatePerMinute: 600,
      pageRatePerMinute: 60,
    });
    expect(config.trustedContact).toEqual({
      invitationTtlSeconds: 259_200,
      recoveryTtlSeconds: 3600,
      recoveryMaxPerDay: 3,
      trustorsPerContact: 5,
    });
    expect(config.delivery).toEqual({ kind: 'polling' });
  });

  it('follows the npm start table for BOT_TOKEN and BOT_API_ROOT', () => {
    const real = parseConfig({ BOT_TOKEN: TOKEN, SMS_HTTP_URL: 'http://sms.local/send' });
    expect(real.roles.has('sandbox')).toBe(false);
    expect(real.messenger).toEqual({ kind: 'bot-api', token: TOKEN, apiRoot: undefined });
    const outside = parseConfig({
      BOT_TOKEN: TOKEN,
      BOT_API_ROOT: 'http://127.0.0.1:9000',
      SMS_HTTP_URL: 'http://s/x',
    });
    expect(outside.roles.has('sandbox')).toBe(false);
    expect(outside.messenger).toEqual({ kind: 'bot-api', token: TOKEN, apiRoot: 'http://127.0.0.1:9000' });
    expect(problems({ BOT_API_ROOT: 'http://127.0.0.1:9000' })).toEqual([
      'BOT_API_ROOT is set but BOT_TOKEN is not: name the bot whose API server this is, or unset both to use the sandbox',
    ]);
  });

  it('lists every problem at once', () => {
    const found = problems({
      PORT: 'eighty',
      ROLES: 'bot,chef',
      BOT_TOKEN: 'nope',
      WEBHOOK_URL: 'https://example.org/hook',
      REDIS_URL: 'http://redis',
      TOKEN_TTL_SECONDS: '-1',
      KEY_ENCRYPTION_KEY: 'short',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        'ROLES: unknown role "chef"; the roles are bot, api, worker, sandbox',
        expect.stringMatching(/^BOT_TOKEN: must look like/),
        expect.stringMatching(/^REDIS_URL: must be a redis:\/\/ URL/),
        expect.stringMatching(/^TOKEN_TTL_SECONDS: /),
        'KEY_ENCRYPTION_KEY: must be 32 bytes, base64-encoded',
      ]),
    );
    expect(found.length).toBeGreaterThanOrEqual(6);
  });

  it('reads where /metrics goes, which proxies name the client, and the abuse limits', () => {
    const defaults = parseConfig({});
    expect([defaults.metricsPort, defaults.trustProxy]).toEqual([null, false]);
    expect([defaults.authFailuresPerMinute, defaults.verifierKeyCacheSeconds]).toEqual([10, 60]);
    expect(parseConfig({ PORT: '8080', METRICS_PORT: '8080' }).metricsPort).toBeNull();
    expect(parseConfig({ METRICS_PORT: '9100' }).metricsPort).toBe(9100);
    expect(parseConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(parseConfig({ TRUST_PROXY: '10.0.0.0/8, ::1' }).trustProxy).toBe('10.0.0.0/8, ::1');
    expect(problems({ METRICS_PORT: 'nine', TRUST_PROXY: '2' })).toEqual([
      'METRICS_PORT: must be a port number',
      "TRUST_PROXY: true, or a comma-separated list of the proxies' addresses (CIDR allowed)",
    ]);
  });

  it('checks the shapes that only make sense together', () => {
    expect(problems({ ROLES: 'bot,worker', BOT_TOKEN: TOKEN })).toEqual([
      'SMS_HTTP_URL is required unless the sandbox runs in this process (its inbox receives the SMS)',
      'DATABASE_URL is required to run roles in separate processes: the embedded database serves one process',
    ]);
    expect(problems({ WEBHOOK_URL: 'https://example.org/hook' })).toEqual([
      'WEBHOOK_URL and WEBHOOK_SECRET go together: set both for webhook mode, or neither for long polling',
    ]);
    expect(problems({ QR_REFRESH_SECONDS: '60' })).toEqual([
      'QR_REFRESH_SECONDS must be less than TOKEN_TTL_SECONDS, or a QR expires before it is replaced',
    ]);
    expect(problems({ QR_REFRESH_SECONDS: '1', QR_SESSION_SECONDS: '65537' })).toEqual([
      "QR_SESSION_SECONDS ÷ QR_REFRESH_SECONDS must be at most 65536: a QR's seq has 16 bits",
    ]);
    expect(problems({ QR_REFRESH_SECONDS: '1', QR_SESSION_SECONDS: '65536' })).toEqual([]);
    // Launch data may open a Digital ID for an hour by default, and poll its QR for a day.
    const defaults = parseConfig({});
    expect([defaults.appOpenMaxAgeSeconds, defaults.appInitMaxAgeSeconds]).toEqual([3600, 86_400]);
    expect(parseConfig({ APP_OPEN_MAX_AGE_SECONDS: '600' }).appOpenMaxAgeSeconds).toBe(600);
    expect(problems({ APP_OPEN_MAX_AGE_SECONDS: '0' })).toEqual([
      expect.stringMatching(/^APP_OPEN_MAX_AGE_SECONDS: /),
    ]);
    expect(problems({ APP_INIT_MAX_AGE_SECONDS: '1800' })).toEqual([
      'APP_OPEN_MAX_AGE_SECONDS (3600) must not exceed APP_INIT_MAX_AGE_SECONDS (1800): launch data too old for any call cannot open a Digital ID',
    ]);
    const postgres = 'postgres://db.example/service';
    expect(parseConfig({ DATABASE_URL: postgres }).storage).toEqual({
      kind: 'postgres',
      url: postgres,
      poolSize: 10,
    });
    expect(parseConfig({ DATABASE_URL: postgres, DATABASE_POOL_SIZE: '2' }).storage).toMatchObject({
      poolSize: 2,
    });
    expect(problems({ DATABASE_POOL_SIZE: '0' })).toEqual([expect.stringMatching(/^DATABASE_POOL_SIZE: /)]);
    expect(problems({ RECOVERY_CALLBACK_URL: 'https://portal.example/cb' })).toEqual([
      'RECOVERY_CALLBACK_SECRET is required when RECOVERY_CALLBACK_URL is set',
    ]);
  });

  describe('in production', () => {
    const PRODUCTION = {
      NODE_ENV: 'production',
      KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      BOT_TOKEN: TOKEN,
      SMS_HTTP_URL: 'https://sms.example.ru/send',
      PUBLIC_URL: 'https://id.example.ru',
      WEBHOOK_URL: 'https://bot.example.ru/telegram',
      WEBHOOK_SECRET: 'a-secret-of-sixteen-plus',
    };

    it('starts with real, https-only edges and a long webhook secret', () => {
      expect(problems(PRODUCTION)).toEqual([]);
      expect(problems({ ...PRODUCTION, WEBHOOK_URL: '', WEBHOOK_SECRET: '' })).toEqual([]);
    });

    it('serves HTTP on every interface, where development keeps to this machine', () => {
      expect(parseConfig(PRODUCTION).host).toBe('0.0.0.0');
      expect(parseConfig({}).host).toBe('127.0.0.1');
      expect(parseConfig({ HOST: '::' }).host).toBe('::');
      expect(problems({ HOST: 'everywhere' })).toEqual([expect.stringContaining('HOST')]);
    });

    it('uses the Redis it is given, or the default address, and never starts one of its own', () => {
      expect(parseConfig(PRODUCTION)).toMatchObject({
        redisUrl: 'redis://127.0.0.1:6379',
        privateRedisDir: null,
      });
    });

    it('refuses the sandbox, naming BOT_TOKEN, whether by a missing token or by ROLES', () => {
      const sandbox =
        'BOT_TOKEN: production never runs the sandbox messenger; set BOT_TOKEN and leave sandbox out of ROLES';
      expect(problems({ ...PRODUCTION, BOT_TOKEN: '' })).toEqual([sandbox]);
      expect(
        problems({ ...PRODUCTION, ROLES: 'bot,api,worker,sandbox', DATABASE_URL: 'postgres://db/x' }),
      ).toEqual([sandbox]);
    });

    it('refuses a short webhook secret, plain-http edges and a missing key, listing them together', () => {
      expect(
        problems({
          ...PRODUCTION,
          KEY_ENCRYPTION_KEY: '',
          WEBHOOK_SECRET: 'fifteen-chars-x',
          SMS_HTTP_URL: 'http://sms.example.ru/send',
          PUBLIC_URL: 'http://id.example.ru',
          WEBHOOK_URL: 'http://bot.example.ru/telegram',
        }),
      ).toEqual([
        'KEY_ENCRYPTION_KEY is required in production (32 random bytes, base64)',
        'WEBHOOK_SECRET must be at least 16 characters in production: it alone proves an update came from the messenger',
        'SMS_HTTP_URL must be an https:// URL in production',
        'WEBHOOK_URL must be an https:// URL in production',
        'PUBLIC_URL must be an https:// URL in production',
      ]);
      expect(problems({ ...PRODUCTION, PUBLIC_URL: '' })).toEqual([
        'PUBLIC_URL is required in production: the https:// base URL put into every QR',
      ]);
    });

    it('refuses TRUST_PROXY=true, and warns when the API names no proxy', () => {
      expect(problems({ ...PRODUCTION, TRUST_PROXY: 'true' })).toEqual([
        "TRUST_PROXY=true is refused in production: it believes whatever client address a request names, so anyone escapes the per-address limits or spends another's; list the proxies' addresses (CIDR allowed)",
      ]);
      expect(parseConfig({ ...PRODUCTION, TRUST_PROXY: '10.0.0.0/8' }).warnings).toEqual([]);
      expect(parseConfig(PRODUCTION).warnings).toEqual([expect.stringMatching(/^TRUST_PROXY is not set/)]);
      expect(
        parseConfig({ ...PRODUCTION, ROLES: 'bot,worker', DATABASE_URL: 'postgres://db/x' }).warnings,
      ).toEqual([]);
      // Elsewhere `true` stays accepted, for a developer's proxy.
      expect(parseConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    });

    it('refuses counting SQL statements, which puts query parameters into logged errors', () => {
      expect(problems({ ...PRODUCTION, DB_STATEMENT_METRICS: 'true' })).toEqual([
        'DB_STATEMENT_METRICS=true is for the benches and refused in production',
      ]);
      expect(parseConfig({ DB_STATEMENT_METRICS: 'true' }).dbStatementMetrics).toBe(true);
      expect(parseConfig({}).dbStatementMetrics).toBe(false);
    });

    it('leaves development alone, but warns when a real bot runs without NODE_ENV', () => {
      // NODE_ENV left out, as in a shell that never set it.
      const development = { BOT_TOKEN: TOKEN, SMS_HTTP_URL: 'http://127.0.0.1:9/sms' };
      expect(
        problems({ ...development, WEBHOOK_SECRET: 'short', WEBHOOK_URL: 'http://x.local/hook' }),
      ).toEqual([]);
      const warned = parseConfig(development);
      expect(warned.nodeEnv).toBe('development');
      expect(warned.warnings).toEqual([expect.stringMatching(/^NODE_ENV is not set/)]);
      expect(parseConfig({ ...development, NODE_ENV: 'development' }).warnings).toEqual([]);
      expect(parseConfig({}).warnings).toEqual([]);
    });
  });

  it('may start a Redis of its own only when REDIS_URL is unset', () => {
    expect(parseConfig({})).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      privateRedisDir: '.data/redis',
    });
    expect(
      parseConfig({ REDIS_DEFAULT_URL: 'redis://127.0.0.1:1', REDIS_PRIVATE_DIR: '/tmp/r', REDIS_URL: ' ' }),
    ).toMatchObject({ redisUrl: 'redis://127.0.0.1:1', privateRedisDir: '/tmp/r' });
    expect(parseConfig({ REDIS_URL: 'redis://cache:6379' })).toMatchObject({
      redisUrl: 'redis://cache:6379',
      privateRedisDir: null,
    });
    expect(problems({ REDIS_URL: 'http://cache', REDIS_DEFAULT_URL: 'cache:6379' })).toEqual([
      'REDIS_URL: must be a redis:// URL',
      'REDIS_DEFAULT_URL: must be a redis:// URL',
    ]);
  });

  it('reads the log format, and only json or pretty', () => {
    expect(parseConfig({}).logFormat).toBeUndefined();
    expect(parseConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(problems({ LOG_FORMAT: 'yaml' })).toEqual([
      'LOG_FORMAT: Invalid option: expected one of "json"|"pretty"',
    ]);
  });

  it('reads webhook mode, admin ids and separate roles on PostgreSQL', () => {
    const config = parseConfig({
      ROLES: 'api',
      DATABASE_URL: 'postgres://u@db/app',
      WEBHOOK_URL: 'https://bot.example/telegram',
      WEBHOOK_SECRET: 'abc_DEF-123',
      ADMIN_IDS: '111, 222',
    });
    expect([...config.roles]).toEqual(['api']);
    expect(config.delivery).toEqual({
      kind: 'webhook',
      url: 'https://bot.example/telegram',
      secret: 'abc_DEF-123',
      unsubscribeOnStop: false,
    });
    expect(config.adminIds).toEqual([111, 222]);
    expect(config.storage).toEqual({ kind: 'postgres', url: 'postgres://u@db/app', poolSize: 10 });
  });

  it('speaks Telegram unless PLATFORM=max, and sends a MAX bot to MAX unless BOT_API_ROOT says otherwise', () => {
    const maxToken = 'f9LHodD0cOKd7DcnB3Dj0Smd4j9U1mxbDp0Qe-ZQ5Ts';
    expect(parseConfig({}).platform).toBe('telegram');
    const maxBot = { PLATFORM: 'max', BOT_TOKEN: maxToken, SMS_HTTP_URL: 'https://sms.example' };
    expect(parseConfig(maxBot).messenger).toEqual({
      kind: 'bot-api',
      token: maxToken,
      apiRoot: 'https://platform-api2.max.ru',
    });
    expect(parseConfig({ ...maxBot, BOT_API_ROOT: 'http://127.0.0.1:9' }).messenger).toMatchObject({
      apiRoot: 'http://127.0.0.1:9',
    });
    // Without a token the sandbox runs, in MAX's dialect.
    expect(parseConfig({ PLATFORM: 'max' }).messenger).toEqual({ kind: 'sandbox', token: undefined });
    expect(problems({ PLATFORM: 'vk' })).toEqual([expect.stringMatching(/^PLATFORM: /)]);
    // Each platform's token is checked in its own shape.
    expect(
      problems({ PLATFORM: 'max', BOT_TOKEN: 'short', ROLES: 'api', DATABASE_URL: 'postgres://u@db/app' }),
    ).toEqual([expect.stringMatching(/^BOT_TOKEN: must be the token from business.max.ru/)]);
    expect(problems({ BOT_TOKEN: maxToken, ROLES: 'api', DATABASE_URL: 'postgres://u@db/app' })).toEqual([
      expect.stringMatching(/^BOT_TOKEN: must look like 123456:ABC/),
    ]);
  });

  it("checks a MAX webhook's secret by MAX's rule and unsubscribes on stop only when told", () => {
    const webhook = {
      ROLES: 'api',
      DATABASE_URL: 'postgres://u@db/app',
      PLATFORM: 'max',
      WEBHOOK_URL: 'https://bot.example/max',
    };
    expect(problems({ ...webhook, WEBHOOK_SECRET: 'abcd' })).toEqual([
      'WEBHOOK_SECRET must be 5–256 characters on MAX',
    ]);
    expect(parseConfig({ ...webhook, WEBHOOK_SECRET: 'abcde' }).delivery).toMatchObject({
      kind: 'webhook',
      unsubscribeOnStop: false,
    });
    expect(
      parseConfig({ ...webhook, WEBHOOK_SECRET: 'abcde', WEBHOOK_UNSUBSCRIBE_ON_STOP: 'true' }).delivery,
    ).toMatchObject({ unsubscribeOnStop: true });
  });
});
