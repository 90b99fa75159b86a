import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerMetricsRoute } from '../api/metrics-route';
import { createFastify } from '../infra/fastify';
import type { Metrics } from '../infra/metrics';
import type { Config } from './config';

/**
 * Where /metrics is served (docs/operations.md, "Metrics"):
 * - METRICS_PORT set: on a listener of its own, bound to 127.0.0.1 in production so only this
 *   host's scraper reaches it, and not on PORT;
 * - otherwise on PORT: open outside production; in production only to ADMIN_DASHBOARD_TOKEN
 *   (Bearer, or Basic's password), and not at all without one. Loopback clients of PORT are
 *   not trusted instead: behind a reverse proxy on the same host every client is one.
 * Returns the own listener's URL, 'PORT', or null.
 */
export async function serveMetrics(
  config: Config,
  logger: Logger,
  http: FastifyInstance,
  metrics: Metrics,
  deps: {
    queueCounts: (() => Promise<Record<string, Record<string, number>>>) | undefined;
    onStop(close: () => Promise<unknown>): void;
  },
): Promise<string | 'PORT' | null> {
  const production = config.nodeEnv === 'production';
  const route = {
    registry: metrics.registry,
    beforeScrape: async () => {
      for (const [name, states] of Object.entries((await deps.queueCounts?.()) ?? {}))
        for (const [state, n] of Object.entries(states)) metrics.queueJobs.set({ queue: name, state }, n);
    },
  };
  if (config.metricsPort === null) {
    if (!production) {
      registerMetricsRoute(http, route);
      return 'PORT';
    }
    if (config.adminDashboardToken) {
      registerMetricsRoute(http, { ...route, token: config.adminDashboardToken });
      return 'PORT';
    }
    logger.warn('/metrics is not served: set METRICS_PORT, or ADMIN_DASHBOARD_TOKEN to scrape it on PORT');
    return null;
  }
  const server = createFastify(logger.child({ component: 'metrics' }));
  registerMetricsRoute(server, route);
  const host = production ? '127.0.0.1' : '0.0.0.0';
  await server.listen({ port: config.metricsPort, host });
  deps.onStop(() => server.close());
  const { port } = server.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/metrics`;
  logger.info({ url, host }, `metrics listening on ${host}:${port}`);
  return url;
}
