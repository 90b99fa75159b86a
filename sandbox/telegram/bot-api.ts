import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { methods } from './bot-api/methods';
import type { MethodContext } from './bot-api/params';
import { TelegramError } from './telegram-error';

export type BotApiDeps = Omit<MethodContext, 'uploads'> & { token: string };

/**
 * The Telegram Bot API as a bot sees it: `/bot<token>/<method>` with parameters in the query
 * string, a JSON, form or multipart body; `/file/bot<token>/<path>` for downloads.
 */
export function registerBotApi(app: FastifyInstance, deps: BotApiDeps): void {
  const handler = async (
    req: FastifyRequest<{ Params: { token: string; method: string } }>,
    reply: FastifyReply,
  ) => {
    try {
      if (req.params.token !== deps.token) throw new TelegramError(401, 'Unauthorized');
      const method = methods[req.params.method];
      if (!method) throw new TelegramError(404, 'Not Found: method not found');
      const { params, uploads } = await readParams(req);
      const result = await method(params, { ...deps, uploads });
      return reply.send({ ok: true, result });
    } catch (err) {
      if (err instanceof TelegramError) return reply.code(err.errorCode).send(err.toJSON());
      req.log.error({ err }, 'sandbox bot api failure');
      return reply.code(500).send({ ok: false, error_code: 500, description: 'Internal Server Error' });
    }
  };
  app.route({ method: ['GET', 'POST'], url: '/bot:token/:method', handler });

  app.get<{ Params: { token: string; '*': string } }>('/file/bot:token/*', async (req, reply) => {
    const fileId = /^photos\/([^/.]+)\.\w+$/.exec(req.params['*'])?.[1];
    const file = req.params.token === deps.token && fileId ? deps.files.find(fileId) : undefined;
    if (!file) return reply.code(404).send({ ok: false, error_code: 404, description: 'Not Found' });
    return reply.type(file.mimeType).header('cache-control', 'private, max-age=3600').send(file.bytes);
  });
}

async function readParams(req: FastifyRequest) {
  const params: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
  const uploads = new Map<string, Buffer>();
  if (req.isMultipart()) {
    for await (const part of req.parts()) {
      if (part.type === 'file') uploads.set(part.fieldname, await part.toBuffer());
      else params[part.fieldname] = part.value;
    }
  } else if (req.body && typeof req.body === 'object') {
    Object.assign(params, req.body);
  }
  return { params, uploads };
}
