import { randomBytes } from 'node:crypto';
import type { Sandbox } from '../../sandbox/server';
import type { Config } from '../config';

/** How this process meets the identity portal (PRODUCT.md §6). */
interface PortalSettings {
  /** The bearer token of the recovery API; none means the API is off in this process. */
  token: string | undefined;
  /** Where final recovery statuses are posted, if anywhere. */
  callback: { url: string; secret: string } | null;
}

/**
 * The configured portal; with the sandbox, its portal stands in for the identity portal, with
 * a token and a callback inbox of its own unless the real ones are configured.
 */
export function portalSettings(config: Config, sandbox: Sandbox | null): PortalSettings {
  const token = config.portal.apiToken ?? (sandbox ? randomBytes(24).toString('base64url') : undefined);
  const callback =
    config.portal.callbackUrl && config.portal.callbackSecret
      ? { url: config.portal.callbackUrl, secret: config.portal.callbackSecret }
      : sandbox
        ? {
            url: sandbox.portalCallbackUrl,
            secret: config.portal.callbackSecret ?? randomBytes(24).toString('base64url'),
          }
        : null;
  return { token, callback };
}
