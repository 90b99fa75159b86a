import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/** One way to build an HTTP server: our pino logger, no per-request log lines (metrics count them). */
export function createFastify(logger: Logger, bodyLimit = 1024 * 1024): FastifyInstance {
  return Fastify({
    loggerInstance: logger,
    logController: new Fastify.LogController({ disableRequestLogging: true }),
    bodyLimit,
  }) as unknown as FastifyInstance;
}
