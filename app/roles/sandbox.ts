import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import { moscowDate } from '../../core/identity/calendar';
import { appLauncherUrl } from '../../core/messaging/app-pages';
import { demoDirectory } from '../../db/registry/demo-registry';
import type { Closers } from '../../infra/closers';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import type { Config } from '../config';

/**
 * The sandbox role: the local messenger, with the demo people, its web page and SMS inbox. Its
 * bot's Mini App is the service's launcher at PUBLIC_URL/app (PRODUCT.md §8), known once the
 * service listens when PUBLIC_URL defaults to it.
 */
export async function startSandboxRole(
  config: Config,
  logger: Logger,
  clock: Clock,
  closers: Closers,
  publicUrl: () => string,
): Promise<Sandbox> {
  const sandbox = await startSandbox({
    directory: demoDirectory(moscowDate(clock.now())),
    port: config.sandboxPort,
    token: config.messenger.kind === 'sandbox' ? config.messenger.token : undefined,
    ratePerSecond: config.sandboxRatePerSecond,
    dialect: config.platform,
    // A sandbox-only process without PUBLIC_URL serves no app: its app buttons say so when pressed.
    miniAppUrl: () => (publicUrl() ? appLauncherUrl(publicUrl()) : undefined),
    logger,
  });
  closers.push(() => sandbox.close());
  logger.info({ url: sandbox.url }, `sandbox messenger listening on ${sandbox.url}`);
  return sandbox;
}
