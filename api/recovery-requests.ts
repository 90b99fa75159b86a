import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { recoveryView } from '../core/trusted-contact/recovery-view';
import type { TrustedContactService } from '../core/trusted-contact/trusted-contact-service';
import { bearerToken, sameSecret } from './credentials';
import type { FailedAuthLimit } from './failed-auth-limit';

const body = z.object({ accountId: z.string().trim().min(1).max(128) });
const params = z.object({ id: z.uuid() });

/**
 * The identity portal's side of recovery (PRODUCT.md §5), behind PORTAL_API_TOKEN. Reading a
 * request past its time expires it, so the portal never sees `pending` after `expiresAt`.
 */
export async function registerRecoveryRoutes(
  app: FastifyInstance,
  deps: { service: TrustedContactService; portalToken: string; failures: FailedAuthLimit },
): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((err: { statusCode?: number }, _req, reply) => {
      const status = err.statusCode ?? 500;
      if (status === 413) return reply.code(413).send({ reason: 'payload_too_large' });
      if (status >= 400 && status < 500) return reply.code(400).send({ reason: 'bad_request' });
      reply.log.error({ err }, 'recovery API failed');
      return reply.code(503).send({ reason: 'unavailable' });
    });
    // The portal's own token always passes; wrong ones are counted per address, and an address
    // over the limit is refused before anything else is done for it.
    scope.addHook('onRequest', async (req, reply) => {
      if (sameSecret(bearerToken(req.headers.authorization), deps.portalToken)) return;
      if (await deps.failures.refused(req.ip, reply)) return reply;
      await deps.failures.failed(req.ip);
      return reply.code(401).header('www-authenticate', 'Bearer').send({ reason: 'unauthorized' });
    });

    scope.post('/api/v1/recovery-requests', { bodyLimit: 4096 }, async (req, reply) => {
      const parsed = body.safeParse(req.body);
      if (!parsed.success) return reply.code(400).send({ reason: 'bad_request' });
      const opened = await deps.service.openRecovery(parsed.data.accountId);
      req.log.info(
        { outcome: opened.outcome, recoveryId: 'request' in opened ? opened.request.id : undefined },
        'recovery asked for by the portal',
      );
      switch (opened.outcome) {
        case 'unknown_account':
          return reply.code(404).send({ reason: 'unknown_account' });
        case 'no_contact':
          return reply.code(409).send({ reason: 'no_trusted_contact' });
        case 'rate_limited':
          return reply.code(429).send({ reason: 'rate_limited' });
        case 'existing':
          return reply.code(200).send(recoveryView(opened.request));
        case 'created':
          return reply.code(202).send(recoveryView(opened.request));
      }
    });

    scope.get('/api/v1/recovery-requests/:id', async (req, reply) => {
      const parsed = params.safeParse(req.params);
      const request = parsed.success ? await deps.service.current(parsed.data.id) : null;
      if (!request) return reply.code(404).send({ reason: 'unknown_request' });
      return recoveryView(request);
    });
  });
}
