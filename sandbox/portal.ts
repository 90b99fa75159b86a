import type { FastifyInstance } from 'fastify';
import { EVENT } from './web/event-names.js';
import type { World } from './world';

export interface PortalCallback {
  receivedAt: string;
  signature: string;
  body: unknown;
}

/**
 * A stand-in for the identity portal: the page's "portal" panel starts recoveries through the
 * service's recovery API (with the portal's token, which the page never sees), and the
 * service's signed callbacks land here to be read.
 */
export function registerPortal(app: FastifyInstance, deps: { world: World }) {
  let target: { apiUrl: string; token: string } | null = null;
  const callbacks: PortalCallback[] = [];

  const forward = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    if (!target) return { status: 503, json: { reason: 'the portal is not connected to a service' } };
    const response = await fetch(`${target.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, json: (await response.json()) as unknown };
  };

  app.post<{ Body: { accountId?: unknown } }>('/sandbox/api/portal/recovery-requests', async (req, reply) => {
    const { status, json } = await forward('POST', '/api/v1/recovery-requests', {
      accountId: req.body?.accountId,
    });
    deps.world.emit({ type: EVENT.portal });
    return reply.code(status).send(json);
  });
  app.get<{ Params: { id: string } }>('/sandbox/api/portal/recovery-requests/:id', async (req, reply) => {
    const { status, json } = await forward(
      'GET',
      `/api/v1/recovery-requests/${encodeURIComponent(req.params.id)}`,
    );
    return reply.code(status).send(json);
  });
  app.post('/sandbox/api/portal/callbacks', async (req) => {
    callbacks.unshift({
      receivedAt: new Date().toISOString(),
      signature: String(req.headers['x-signature'] ?? ''),
      body: req.body,
    });
    deps.world.emit({ type: EVENT.portal });
    return { ok: true };
  });
  app.get('/sandbox/api/portal/callbacks', async () => ({ callbacks }));

  return {
    connect(apiUrl: string, token: string) {
      target = { apiUrl, token };
    },
  };
}
