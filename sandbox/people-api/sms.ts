import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { E164_RU } from '../../core/identity/phone';
import { invalid, type PeopleApiDeps } from './context';

/** The SMS inbox: the service's gateway posts here, and people and tests read what arrived. */
export function registerSmsInbox(app: FastifyInstance, deps: Pick<PeopleApiDeps, 'world'>): void {
  app.post('/sandbox/api/sms', async (req, reply) => {
    const body = z
      .object({ to: z.string().regex(E164_RU, 'to must be +7XXXXXXXXXX'), text: z.string().min(1).max(1000) })
      .safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    return reply.code(201).send({ id: deps.world.receiveSms(body.data.to, body.data.text).id });
  });

  app.get<{ Querystring: { to?: string } }>('/sandbox/api/sms', async (req) => ({
    messages: deps.world.smsInbox(req.query.to),
  }));
}
