import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

export const DASHBOARD_PATH = '/admin/queues';

/** Basic (any user name, the token as password, so a browser asks for it) or Bearer. */
function presented(header: string | undefined): string | null {
  const bearer = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  if (bearer) return bearer;
  const basic = /^Basic (\S+)$/.exec(header ?? '')?.[1];
  if (!basic) return null;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

const same = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

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
      const token = presented(req.headers.authorization);
      if (!token || !same(token, deps.token))
        return reply
          .code(401)
          .header('www-authenticate', 'Basic realm="queues"')
          .send({ reason: 'unauthorized' });
    });
    await scope.register(adapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
}
