import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerHealthRoutes } from '../api/health';
import { createHttpServer } from '../api/http-server';
import { type Clock, systemClock } from '../core/clock';
import type { Closers } from '../infra/closers';
import { createMetrics, type Metrics } from '../infra/metrics';
import type { Sandbox } from '../sandbox/server';
import type { Config } from './config';
import { serveMetrics } from './metrics-listener';
import { chooseRedis } from './redis-choice';
import { startApiRole } from './roles/api';
import { type Backend, type MessengerTarget, startBackend } from './roles/backend';
import { startBotRole } from './roles/bot';
import { startSandboxRole } from './roles/sandbox';
import { startWorkerRole } from './roles/worker';

export interface Service {
  /** This process's HTTP server (health, API, and metrics unless they have a port of their own). */
  httpUrl: string;
  /** Where this process's /metrics is served, or null where it is not (production, no token). */
  metricsUrl: string | null;
  publicUrl: string;
  sandbox: Sandbox | null;
  metrics: Metrics;
  /** Absent in a process that only runs the sandbox. */
  backend: Backend | null;
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
  given: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<Service> {
  const clock = options.clock ?? systemClock;
  for (const warning of given.warnings) logger.warn(`WARNING: ${warning}`);
  const closers: Closers = [];
  const stop = async () => {
    for (const close of closers.reverse()) {
      await close().catch((err) => logger.error({ err }, 'error while stopping'));
    }
  };
  try {
    // First, so that it is stopped last: every role below may use Redis until it stops.
    const config = needsRedis(given) ? await chooseRedis(given, logger, closers) : given;
    const metrics = createMetrics();
    const http = createHttpServer(logger, metrics, config.trustProxy);
    let publicUrl = config.publicUrl ?? '';
    const sandbox = config.roles.has('sandbox')
      ? await startSandboxRole(config, logger, clock, closers, () => publicUrl)
      : null;
    const { roles } = config;
    let backend: Backend | null = null;
    if (needsRedis(config)) {
      backend = await startBackend(config, logger, clock, closers, {
        http,
        metrics,
        sandbox,
        publicUrl: () => publicUrl,
      });
      const target = messengerTarget(config, sandbox);
      if (roles.has('api'))
        await startApiRole(config, logger, clock, closers, backend, http, target?.token, () => publicUrl);
      if (target && roles.has('worker'))
        await startWorkerRole(config, logger, clock, closers, backend, target, metrics);
      if (target && roles.has('bot'))
        await startBotRole(config, logger, closers, backend, target, {
          http,
          metrics,
          clock,
          publicUrl: () => publicUrl,
        });
    } else {
      registerHealthRoutes(http, { checks: {} });
    }
    const metricsAt = await serveMetrics(config, logger, http, metrics, {
      queueCounts: backend?.queueCounts,
      onStop: (close) => closers.push(close),
    });
    const httpUrl = await listen(http, config, logger, closers);
    // PUBLIC_URL defaults to this server, whose port is known only now (PORT=0 picks one).
    publicUrl ||= httpUrl;
    if (sandbox && backend?.portalToken) sandbox.connectPortal(httpUrl, backend.portalToken);
    return {
      httpUrl,
      metricsUrl: metricsAt === 'PORT' ? `${httpUrl}/metrics` : metricsAt,
      publicUrl,
      sandbox,
      metrics,
      backend,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The roles that use the database and Redis; the sandbox alone needs neither. */
const needsRedis = ({ roles }: Config) => roles.has('bot') || roles.has('api') || roles.has('worker');

function messengerTarget(config: Config, sandbox: Sandbox | null): MessengerTarget | null {
  const { platform } = config;
  if (sandbox) return { platform, token: sandbox.token, apiRoot: sandbox.url, viaSandbox: true };
  if (config.messenger.kind === 'bot-api')
    return { platform, token: config.messenger.token, apiRoot: config.messenger.apiRoot, viaSandbox: false };
  return null;
}

async function listen(
  http: FastifyInstance,
  config: Config,
  logger: Logger,
  closers: Closers,
): Promise<string> {
  await http.listen({ port: config.port, host: config.host });
  closers.push(() => http.close());
  const { port } = http.server.address() as AddressInfo;
  // Reached on loopback when it listens everywhere, else at the one address it listens on.
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const httpUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url: httpUrl, roles: [...config.roles] }, `HTTP server listening on ${httpUrl}`);
  return httpUrl;
}
