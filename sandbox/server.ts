import { randomBytes, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { BotCommand } from 'grammy/types';
import type { Logger } from 'pino';
import { createFastify } from '../infra/fastify';
import type { Dialect, DialectDeps } from './dialect';
import { FileStore } from './files';
import { registerMaxDialect } from './max/dialect';
import { registerPeopleApi } from './people-api';
import { registerPortal } from './portal';
import { SandboxRateLimiter } from './rate-limiter';
import { registerTelegramDialect } from './telegram/dialect';
import { type DirectoryEntry, registerWebPage } from './web-page';
import { World } from './world';

export interface SandboxOptions {
  port: number;
  host?: string;
  /** The token the bot must present; one is minted when absent. */
  token?: string | undefined;
  /** Calls per second before 429 (Telegram counts sending calls, MAX every request); 0 = no limit. */
  ratePerSecond: number;
  logger: Logger;
  /** Numbers the web page offers when adding a person (the demo registry's people). */
  directory?: DirectoryEntry[];
  /** The protocol the bot speaks: the Telegram Bot API (default) or MAX's Bot API. */
  dialect?: DialectName;
  /**
   * The bot's Mini App, as a MAX bot registers it on business.max.ru (or a Telegram bot with
   * BotFather): what `open_app` buttons and the page's app controls open. A function when the
   * URL is known only once the service listens.
   */
  miniAppUrl?: string | (() => string | undefined) | undefined;
  /** MAX only: how long an uploaded image answers `attachment.not.ready` (0 by default). */
  maxNotReadyMs?: number;
}

export type DialectName = 'telegram' | 'max';

export interface Sandbox {
  url: string;
  dialect: DialectName;
  token: string;
  /** Where the service's SMS gateway posts (`{ to, text }`). */
  smsUrl: string;
  world: World;
  limiter: SandboxRateLimiter;
  /** Where the service posts recovery callbacks when it runs with the sandbox. */
  portalCallbackUrl: string;
  /** Lets the page's portal panel reach the service's recovery API. */
  connectPortal(apiUrl: string, token: string): void;
  close(): Promise<void>;
}

/**
 * A local messenger: the Telegram or the MAX Bot API for the bot (one world, rendered by the
 * chosen dialect), a people API, SMS inbox, portal and web page for everyone else.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const token =
    options.token ?? `${randomInt(1_000_000, 9_999_999)}:${randomBytes(27).toString('base64url')}`;
  const botId = Number(token.split(':')[0]);
  const world = new World({
    id: botId,
    is_bot: true,
    first_name: 'Госуслуги (песочница)',
    username: 'gosuslugi_sandbox_bot',
  });
  const files = new FileStore();
  const log = options.logger.child({ component: 'sandbox' });
  const limiter = new SandboxRateLimiter(options.ratePerSecond);
  const commands = new Map<string, BotCommand[]>();
  const { miniAppUrl: appUrl } = options;
  const miniAppUrl = typeof appUrl === 'function' ? appUrl : () => appUrl;

  const app = createFastify(log, 12 * 1024 * 1024);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 10, fields: 50 } });
  let origin = '';
  const dialectName = options.dialect ?? 'telegram';
  const dialect = await registerDialect(app, dialectName, {
    token,
    world,
    files,
    limiter,
    commands,
    log,
    origin: () => origin,
    miniAppUrl,
    notReadyMs: options.maxNotReadyMs ?? 0,
  });
  await registerPeopleApi(app, { world, files, dialect, limiter, commands, miniAppUrl });
  await registerWebPage(app, { world, files, directory: options.directory ?? [] });
  const portal = registerPortal(app, { world });
  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  origin = url;
  return {
    url,
    dialect: dialectName,
    token,
    smsUrl: `${url}/sandbox/api/sms`,
    world,
    limiter,
    portalCallbackUrl: `${url}/sandbox/api/portal/callbacks`,
    connectPortal: portal.connect,
    async close() {
      dialect.close();
      // An edit a failed test left held would keep its request, and so the close, waiting.
      world.releaseEdits();
      await app.close();
    },
  };
}

function registerDialect(
  app: FastifyInstance,
  name: DialectName,
  deps: DialectDeps & { origin: () => string; notReadyMs: number },
): Promise<Dialect> | Dialect {
  if (name === 'telegram') return registerTelegramDialect(app, deps);
  return registerMaxDialect(app, {
    ...deps,
    onWebhookError: (err, url) =>
      deps.log.warn({ err: String(err), url }, 'webhook delivery failed; retrying'),
  });
}
