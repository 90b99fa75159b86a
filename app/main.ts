import { withoutParams } from '../infra/log-errors';
import { chooseLogFormat, prettyDestination } from '../infra/log-format';
import { createLogger } from '../infra/logger';
import { ConfigError, parseConfig } from './config';
import { startService } from './service';

/** `npm start`: parse the environment, start the configured roles, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const format = chooseLogFormat(config.logFormat, config.nodeEnv, process.stdout.isTTY === true);
  const logger = createLogger(config.logLevel, format === 'pretty' ? prettyDestination() : undefined);
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService(config, logger);
  } catch (err) {
    // Expected start-up failures (Redis or PostgreSQL away, a busy embedded database) carry
    // a message that says what to do; a stack trace would only hide it.
    logger.fatal({ err: err instanceof Error ? err.message : err }, 'the service could not start');
    // Scrubbed as the logs are: a failed query's message carries its parameters.
    process.stderr.write(`\n${withoutParams(err instanceof Error ? err.message : String(err))}\n`);
    process.exit(1);
  }
  if (service.sandbox) {
    process.stdout.write(
      `\nOpen the sandbox messenger in a browser: ${service.sandbox.url}/\n` +
        `(its people API for scripts: ${service.sandbox.url}/sandbox/api, see docs/sandbox.md)\n` +
        `The service's HTTP API is at ${service.httpUrl}\n\n`,
    );
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight work');
    const force = setTimeout(() => {
      logger.error('did not stop within 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    void service.stop().then(() => {
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A closed terminal: stopped as cleanly, or a private Redis (app/redis-choice.ts) would outlive it.
  process.on('SIGHUP', () => shutdown('SIGHUP'));
}

await main();
