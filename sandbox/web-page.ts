import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { FileStore } from './files';
import type { World, WorldEvent } from './world';

export interface DirectoryEntry {
  phone: string;
  label: string;
  /** The registry account, for the portal panel's recovery requests. */
  accountId: string;
}

const KEEPALIVE_MS = 15_000;

/**
 * The web chat page and what it needs beyond the people API: a server-sent event stream of
 * everything that happens, the photos' bytes, and the numbers worth giving a new person.
 */
export async function registerWebPage(
  app: FastifyInstance,
  deps: { world: World; files: FileStore; directory: DirectoryEntry[] },
): Promise<void> {
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('./web', import.meta.url)),
    prefix: '/',
    index: 'index.html',
  });

  app.get('/sandbox/api/directory', async () => ({ people: deps.directory }));

  app.get<{ Params: { fileId: string } }>('/sandbox/api/files/:fileId', async (req, reply) => {
    const file = deps.files.find(req.params.fileId);
    if (!file) return reply.code(404).send({ error: 'no such file' });
    // A file id names one upload forever, so the browser may keep it.
    return reply
      .type(file.mimeType)
      .header('cache-control', 'private, max-age=86400, immutable')
      .send(file.bytes);
  });

  // Open event streams, ended when the server closes (an SSE response never ends by itself).
  const streams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of streams) end();
  });

  app.get('/sandbox/api/events', (req, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (event: WorldEvent) =>
      reply.raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    reply.raw.write(': connected\n\n');
    deps.world.events.on('event', send);
    const keepalive = setInterval(() => reply.raw.write(': keepalive\n\n'), KEEPALIVE_MS);
    const end = () => {
      clearInterval(keepalive);
      deps.world.events.off('event', send);
      streams.delete(end);
      reply.raw.end();
    };
    streams.add(end);
    req.raw.on('close', end);
  });
}
