import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { operatorToken, sameSecret } from './credentials';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * Bull Board for operators at /admin/queues: jobs by state, failures with their errors, retries.
 * Only behind ADMIN_DASHBOARD_TOKEN; without one it is not mounted at all.
 */
export async function registerQueueDashboard(app: FastifyInstance, deps: { queues: Queue[]; token: string }) {
  const adapter = new FastifyAdapter();
  createBullBoard({ queues: deps.queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  adapter.setBasePath(DASHBOARD_PATH);
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      if (!sameSecret(operatorToken(req.headers.authorization), deps.token))
        return reply
          .code(401)
          .header('www-authenticate', 'Basic realm="queues"')
          .send({ reason: 'unauthorized' });
    });
    await scope.register(adapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
}
