import { randomBytes } from 'node:crypto';
import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEFAULT_COMMANDS_KEY } from '../telegram/bot-api/commands';
import { int64, type MaxApiDeps, parseMax } from './context';
import { asMaxError, MAX_CODE, MaxApiError, maxBadRequest, maxNotFound } from './errors';
import { registerMaxMessages } from './messages';
import { botUser } from './render';

/**
 * The MAX Bot API as a bot sees it, at the root: `Authorization: <token>` on every call, and
 * every Bot API request counted by the limiter, polls and `POST /uploads` included, as MAX counts
 * them; the file's own POST goes to the upload host, which is not the Bot API.
 */
export async function registerMaxApi(app: FastifyInstance, deps: MaxApiDeps): Promise<void> {
  await app.register(async (api) => {
    api.setErrorHandler((err: FastifyError, req, reply) => {
      const known = asMaxError(err) ?? (err.statusCode === 400 ? maxBadRequest(err.message) : null);
      if (!known) req.log.error({ err }, 'sandbox max api failure');
      const sent = known ?? new MaxApiError(500, MAX_CODE.internal, 'Internal error');
      return reply.code(sent.status).send(sent.toJSON());
    });
    api.addHook('onRequest', async (req) => {
      // The file itself goes to MAX's upload host, outside the Bot API and its limit.
      if (req.url.startsWith('/sandbox/max-upload/')) return;
      // MAX moved the token from the query to the header; the sandbox accepts only the header.
      if (req.headers.authorization !== deps.token || 'access_token' in (req.query as object))
        throw new MaxApiError(401, MAX_CODE.unauthorized, 'Invalid access_token');
      deps.limiter.take();
    });
    registerBotInfo(api, deps);
    registerUpdates(api, deps);
    registerUploads(api, deps);
    registerMaxMessages(api, deps);
  });
}

function registerBotInfo(app: FastifyInstance, deps: MaxApiDeps): void {
  const info = () => {
    const commands = deps.commands.get(DEFAULT_COMMANDS_KEY) ?? [];
    return {
      ...botUser(deps.world),
      description: null,
      avatar_url: null,
      commands: commands.map((c) => ({ name: c.command, description: c.description })),
    };
  };
  app.get('/me', async () => info());

  app.patch('/me/commands', async (req) => {
    const body = parseMax(
      z.object({
        commands: z
          .array(
            z.object({ name: z.string().min(1).max(64), description: z.string().min(1).max(128).nullish() }),
          )
          .max(32),
      }),
      req.body,
    );
    const commands = body.commands.map((c) => ({ command: c.name, description: c.description ?? c.name }));
    if (commands.length === 0) deps.commands.delete(DEFAULT_COMMANDS_KEY);
    else deps.commands.set(DEFAULT_COMMANDS_KEY, commands);
    return info();
  });
}

function registerUpdates(app: FastifyInstance, deps: MaxApiDeps): void {
  app.get('/updates', async (req) => {
    const q = parseMax(
      z
        .object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          timeout: z.coerce.number().int().min(0).max(90).default(30),
          marker: int64.optional(),
          types: z.string().optional(),
        })
        .loose(),
      req.query,
    );
    const types = q.types?.split(',').filter(Boolean);
    return deps.updates.getUpdates(q.marker, q.limit, q.timeout, types);
  });

  app.post('/subscriptions', async (req) => {
    const body = parseMax(
      z.object({
        url: z.string().regex(/^https?:\/\//, 'url must be http(s)'),
        secret: z
          .string()
          .regex(/^[\w-]{5,256}$/)
          .nullish(),
        update_types: z.array(z.string()).nullish(),
      }),
      req.body,
    );
    deps.updates.subscribe({
      url: body.url,
      secret: body.secret ?? undefined,
      types: body.update_types ?? undefined,
      time: Date.now(),
    });
    return { success: true };
  });

  app.get('/subscriptions', async () => ({
    subscriptions: deps.updates
      .subscriptions()
      .map((s) => ({ url: s.url, time: s.time, update_types: s.types ?? null })),
  }));

  app.delete('/subscriptions', async (req) => {
    const q = parseMax(z.object({ url: z.string().min(1) }).loose(), req.query);
    const removed = deps.updates.unsubscribe(q.url);
    return removed ? { success: true } : { success: false, message: `No subscription for ${q.url}` };
  });
}

/** Images in two steps: an upload URL, then a multipart POST of field `data` there for a token. */
function registerUploads(app: FastifyInstance, deps: MaxApiDeps): void {
  const issued = new Set<string>();

  app.post('/uploads', async (req) => {
    const q = parseMax(z.object({ type: z.string() }).loose(), req.query);
    if (q.type !== 'image') throw maxBadRequest(`type: the sandbox uploads images only, not ${q.type}`);
    const id = randomBytes(12).toString('hex');
    issued.add(id);
    return { url: `${deps.origin()}/sandbox/max-upload/${id}` };
  });

  app.post<{ Params: { id: string } }>('/sandbox/max-upload/:id', async (req) => {
    if (!issued.delete(req.params.id)) throw maxNotFound('Unknown upload URL');
    let bytes: Buffer | undefined;
    if (req.isMultipart()) {
      for await (const part of req.parts()) {
        if (part.type === 'file' && part.fieldname === 'data') bytes = await part.toBuffer();
      }
    }
    if (!bytes) throw maxBadRequest('data: a multipart file in field "data" is required');
    const file = deps.files.addPhoto(bytes);
    deps.readyAt.set(file.fileId, Date.now() + deps.notReadyMs);
    return { photos: { [req.params.id]: { token: file.fileId } } };
  });
}
