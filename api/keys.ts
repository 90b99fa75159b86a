import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Keyring } from '../core/digital-id/keyring';

/**
 * GET /.well-known/digital-id/keys: the active and retired public keys (PRODUCT.md §2).
 * Cached for a minute, so a rotation reaches offline verifiers quickly, with an ETag so
 * re-checks cost nothing.
 */
export function registerKeysRoute(app: FastifyInstance, keyring: Keyring): void {
  app.get('/.well-known/digital-id/keys', async (req, reply) => {
    const body = JSON.stringify({ keys: await keyring.published() });
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    reply
      .header('cache-control', 'public, max-age=60')
      .header('etag', etag)
      .header('access-control-allow-origin', '*');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('application/json').send(body);
  });
}
