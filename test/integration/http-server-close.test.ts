import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createFastify } from '../../infra/fastify';
import { createLogger } from '../../infra/logger';
import { waitFor } from '../support/wait';

// Stopping the service closes its HTTP server (and the sandbox's) while a request may be in
// flight: a MAX webhook delivery, a long poll. The client is fetch, as the sandbox's deliveries
// are: it keeps a connection for as long as the server's Keep-Alive says (72 s), so a close()
// that left the connection open would wait that long, past the test's timeout.

/** A moment the test waits for, and its way to say it has come. */
function moment() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function listening(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * Whether close() returned within a few seconds: left to keep-alive it would take 72, and the
 * test must say so, not wait that long for its own timeout.
 */
async function closedSoon(closed: Promise<undefined>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), 5_000);
  });
  try {
    return await Promise.race([closed.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** close(), once it is under way: the server stops listening after fastify's preClose hooks. */
async function closing(app: FastifyInstance): Promise<{ closed: Promise<undefined> }> {
  const closed = app.close();
  await waitFor(() => !app.server.listening, 'the server to stop listening');
  return { closed };
}

describe('closing an HTTP server', () => {
  it('answers a request in flight with Connection: close, and returns once it is answered', async () => {
    const app = createFastify(createLogger('silent'));
    const arrived = moment();
    const release = moment();
    app.post('/held', async () => {
      arrived.resolve();
      await release.promise;
      return { ok: true };
    });
    const url = await listening(app);
    const answer = fetch(`${url}/held`, { method: 'POST' });
    await arrived.promise;
    const { closed } = await closing(app);
    release.resolve();
    const response = await answer;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('connection')).toBe('close');
    expect(await closedSoon(closed)).toBe(true);
  });

  it('ends the connection of an answer already on its way when closing began, once it is sent', async () => {
    const app = createFastify(createLogger('silent'));
    const body = new PassThrough();
    app.get('/streamed', (_request, reply) => reply.type('text/plain').send(body));
    const url = await listening(app);
    body.write('first ');
    // fetch resolves on the headers: the answer is on its way, as keep-alive, before close().
    const response = await fetch(`${url}/streamed`);
    expect(response.headers.get('connection')).toBe('keep-alive');
    const { closed } = await closing(app);
    body.end('last');
    expect(await response.text()).toBe('first last');
    expect(await closedSoon(closed)).toBe(true);
  });
});
