import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import { moscowDate } from '../../core/identity/calendar';
import { demoDirectory } from '../../db/registry/demo-registry';
import type { Closers } from '../../infra/closers';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import type { Config } from '../config';

/** The sandbox role: the local messenger, with the demo people, its web page and SMS inbox. */
export async function startSandboxRole(
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
    dialect: config.platform,
    logger,
  });
  closers.push(() => sandbox.close());
  logger.info({ url: sandbox.url }, `sandbox messenger listening on ${sandbox.url}`);
  return sandbox;
}
