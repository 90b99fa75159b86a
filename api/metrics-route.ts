import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { operatorToken, sameSecret } from './credentials';

export interface MetricsRouteDeps {
  registry: Registry;
  /** Figures read only when scraped (queue depths). */
  beforeScrape?: () => Promise<void>;
  /** Set: only a request carrying this token (Bearer, or Basic's password) is answered. */
  token?: string;
}

/** GET /metrics, the Prometheus exposition of this process. */
export function registerMetricsRoute(app: FastifyInstance, deps: MetricsRouteDeps): void {
  app.get('/metrics', async (req, reply) => {
    if (deps.token !== undefined && !sameSecret(operatorToken(req.headers.authorization), deps.token))
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="metrics"')
        .send({ reason: 'unauthorized' });
    await deps.beforeScrape?.().catch(() => {});
    return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
}
