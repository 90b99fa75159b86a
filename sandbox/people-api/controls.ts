import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Chat } from '../world';
import { invalid, type PeopleApiDeps, withPerson } from './context';

/** Knobs a test turns on purpose: a refused send, a held edit, a redelivered update, the 429 threshold. */
export function registerControls(app: FastifyInstance, deps: PeopleApiDeps): void {
  /** A knob on one person's chat; an unknown person is 404. */
  const onChat = (
    method: 'GET' | 'POST',
    action: string,
    turn: (chat: Chat, reply: FastifyReply) => unknown,
  ) =>
    app.route<{ Params: { id: string } }>({
      method,
      url: `/sandbox/api/people/:id/${action}`,
      handler: async (req, reply) => {
        const found = withPerson(deps.world, req.params.id, reply);
        return found ? turn(found.chat, reply) : reply;
      },
    });

  // A fault on purpose: the bot's next new message to this chat answers 400 (edits pass).
  onChat('POST', 'refuse-next-send', (chat) => {
    chat.refusals += 1;
    return { refusals: chat.refusals };
  });
  // A fault on purpose: the bot's next edit to this chat waits until the test releases it.
  onChat('POST', 'hold-next-edit', (chat, reply) =>
    deps.world.holdNextEdit(chat)
      ? { holding: true }
      : reply.code(409).send({ error: 'an edit is already held; release it first' }),
  );
  onChat('GET', 'held-edit', (chat) => ({ waiting: chat.editHold?.waiting === true }));
  onChat('POST', 'release-edit', (chat, reply) =>
    deps.world.releaseEdit(chat) ? { released: true } : reply.code(409).send({ error: 'no edit is waiting' }),
  );
  // A busy messenger on purpose: the bot's next edit to this chat is answered 429.
  onChat('POST', 'busy-next-edit', (chat) => {
    chat.busyEdits += 1;
    return { busyEdits: chat.busyEdits };
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
