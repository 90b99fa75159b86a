import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { withLogContext } from './log-context';

/**
 * One way to build an HTTP server: our pino logger, no per-request log lines (metrics count them).
 * `trustProxy` (TRUST_PROXY) says which proxies may name the client, for per-address limits.
 */
export function createFastify(
  logger: Logger,
  bodyLimit = 1024 * 1024,
  trustProxy: boolean | string = false,
): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    logController: new Fastify.LogController({ disableRequestLogging: true }),
    bodyLimit,
    trustProxy,
  }) as unknown as FastifyInstance;
  // Everything a request causes logs its id, not only fastify's own lines.
  app.addHook('onRequest', (request, _reply, done) => withLogContext({ requestId: request.id }, done));
  return app;
}
