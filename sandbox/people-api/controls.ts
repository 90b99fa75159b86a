import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { invalid, type PeopleApiDeps, withPerson } from './context';

/** Knobs a test turns on purpose: a refused send, a held edit, a redelivered update, the 429 threshold. */
export function registerControls(app: FastifyInstance, deps: PeopleApiDeps): void {
  // A fault on purpose: the bot's next new message to this chat answers 400 (edits pass).
  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/refuse-next-send', async (req, reply) => {
    const found = withPerson(deps.world, req.params.id, reply);
    if (!found) return reply;
    found.chat.refusals += 1;
    return { refusals: found.chat.refusals };
  });

  // A fault on purpose: the bot's next edit to this chat waits until the test releases it.
  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/hold-next-edit', async (req, reply) => {
    const found = withPerson(deps.world, req.params.id, reply);
    if (!found) return reply;
    if (!deps.world.holdNextEdit(found.chat))
      return reply.code(409).send({ error: 'an edit is already held; release it first' });
    return { holding: true };
  });

  // A busy messenger on purpose: the bot's next edit to this chat is answered 429.
  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/busy-next-edit', async (req, reply) => {
    const found = withPerson(deps.world, req.params.id, reply);
    if (!found) return reply;
    found.chat.busyEdits += 1;
    return { busyEdits: found.chat.busyEdits };
  });

  app.get<{ Params: { id: string } }>('/sandbox/api/people/:id/held-edit', async (req, reply) => {
    const found = withPerson(deps.world, req.params.id, reply);
    if (!found) return reply;
    return { waiting: found.chat.editHold?.waiting === true };
  });

  app.post<{ Params: { id: string } }>('/sandbox/api/people/:id/release-edit', async (req, reply) => {
    const found = withPerson(deps.world, req.params.id, reply);
    if (!found) return reply;
    if (!deps.world.releaseEdit(found.chat)) return reply.code(409).send({ error: 'no edit is waiting' });
    return { released: true };
  });

  app.post<{ Params: { updateId: string } }>(
    '/sandbox/api/updates/:updateId/redeliver',
    async (req, reply) => {
      if (!deps.dialect.redeliver(Number(req.params.updateId)))
        return reply.code(404).send({ error: 'no such update' });
      return reply.code(202).send({ redelivered: Number(req.params.updateId) });
    },
  );

  app.get('/sandbox/api/updates/pending', async () => ({ pending: deps.dialect.pendingUpdates() }));

  app.get('/sandbox/api/settings', async () => ({ ratePerSecond: deps.limiter.limit }));

  app.put('/sandbox/api/settings', async (req, reply) => {
    const body = z.object({ ratePerSecond: z.number().int().min(0) }).safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    deps.limiter.setLimit(body.data.ratePerSecond);
    return { ratePerSecond: deps.limiter.limit };
  });
}
