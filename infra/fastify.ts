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
  closeConnectionsAnsweredWhileClosing(app);
  return app;
}

/**
 * close() ends only the connections idle at that moment. One whose request is in flight (a
 * webhook delivery, a long poll) would stay open after its answer, as keep-alive, and close()
 * would wait out the keep-alive timeout (72 s; fastify#7044): past the 30 s a SIGTERM allows,
 * so the roles after the HTTP server would never stop. An answer given while closing ends its
 * connection instead: it says `Connection: close`, and one already on its way when close()
 * began ends its socket once it is sent.
 */
function closeConnectionsAnsweredWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, _reply, done) => {
    // Optional: a request made with inject() has a socket of its own without it.
    if (closing) request.raw.socket?.destroySoon?.();
    done();
  });
}
