import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createFastify } from '../infra/fastify';
import type { Metrics } from '../infra/metrics';

/** The process's one HTTP server (PORT): health for all, plus whatever routes its roles add. */
export function createHttpServer(
  logger: Logger,
  metrics: Metrics,
  trustProxy: boolean | string = false,
): FastifyInstance {
  const app = createFastify(logger.child({ component: 'http' }), undefined, trustProxy);
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe(
      { route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  return app;
}
