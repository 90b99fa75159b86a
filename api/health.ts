import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export type ReadinessCheck = () => Promise<void>;

/**
 * Served by every process whatever its roles: liveness (the process answers), readiness
 * (its database and Redis answer; a failed check says `unavailable`, nothing more) and
 * Prometheus metrics.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  deps: { checks: Record<string, ReadinessCheck>; registry: Registry; beforeScrape?: () => Promise<void> },
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const results = await Promise.all(
      Object.entries(deps.checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          return [name, 'ok'] as const;
        } catch {
          // Only which dependency is down: a driver's error text can name hosts, users or data.
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) });
  });

  app.get('/metrics', async (_req, reply) => {
    await deps.beforeScrape?.().catch(() => {});
    return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref(),
    ),
  ]);
}
