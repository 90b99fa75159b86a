import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { SCENARIOS } from '../core/digital-id/scenarios';
import type { DigitalIdVerification } from '../core/verification/verification';
import type { Verifier } from '../core/verification/verifier-keys';
import { bearerToken } from './credentials';
import type { FailedAuthLimit } from './failed-auth-limit';
import type { VerifierAuthentication } from './verifier-auth';

export interface VerifyRouteDeps {
  verification: Pick<DigitalIdVerification, 'verify'>;
  auth: Pick<VerifierAuthentication, 'remembered' | 'authenticate'>;
  failures: FailedAuthLimit;
  ratePerMinute: number;
  /** Shared by every API process, so the limit holds behind a load balancer. */
  redis: Redis;
  redisPrefix: string;
}

/** A checkout's question, the same from the checkout API and from the scanner Mini App. */
export const verifyRequest = z.object({
  qr: z.string().max(4096),
  scenario: z.enum(SCENARIOS),
});

/** Far above any QR's content; anything larger is not a verification. */
export const VERIFY_BODY_LIMIT_BYTES = 8 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    verifier?: Verifier;
  }
}

/**
 * What a scope that verifies QRs shares, for the checkout API and the scanner alike: a
 * per-verifier rate limit counted in Redis across API processes (each route names its budget),
 * and every failure answered as a reason code. A Redis outage must not stop every checkout in
 * the country: the limit is let go instead.
 */
export async function verifyScope(scope: FastifyInstance, redis: Redis, nameSpace: string): Promise<void> {
  await scope.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    redis,
    nameSpace,
    skipOnError: true,
    errorResponseBuilder: () => Object.assign(new Error('rate limited'), { statusCode: 429 }),
  });
  scope.setErrorHandler((err: FastifyError, _req, reply) => replyWithReason(reply, err));
}

/**
 * POST /api/v1/verify (PRODUCT.md §2): a checkout asks whether a QR confirms a scenario and
 * learns the outcome only. A confirmed QR is spent. Every failure is a reason code, never a 500
 * page or a stack trace.
 */
export async function registerVerifyRoute(app: FastifyInstance, deps: VerifyRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    await verifyScope(scope, deps.redis, `${deps.redisPrefix}:verify-rate:`);

    // A key this process checked recently passes from memory. Any other is looked up only
    // for an address under its limit of failures: a stream of wrong keys never reaches the
    // database, and a checkout already at work is not held up by a neighbour's mistakes.
    scope.addHook('onRequest', async (req, reply) => {
      const key = bearerToken(req.headers.authorization);
      const known = key ? deps.auth.remembered(key) : null;
      if (known) {
        req.verifier = known;
        return;
      }
      if (await deps.failures.refused(req.ip, reply)) return reply;
      const verifier = key ? await deps.auth.authenticate(key) : null;
      if (!verifier) {
        await deps.failures.failed(req.ip);
        return reply.code(401).header('www-authenticate', 'Bearer').send({ reason: 'unauthorized' });
      }
      req.verifier = verifier;
    });

    scope.post(
      '/api/v1/verify',
      {
        bodyLimit: VERIFY_BODY_LIMIT_BYTES,
        config: {
          rateLimit: {
            max: deps.ratePerMinute,
            timeWindow: 60_000,
            keyGenerator: (req) => req.verifier?.id ?? 'anonymous',
          },
        },
      },
      async (req, reply) => {
        const parsed = verifyRequest.safeParse(req.body);
        if (!parsed.success) return reply.code(400).send({ reason: 'bad_request' });
        return deps.verification.verify(parsed.data.qr, parsed.data.scenario);
      },
    );
  });
}

/** Fastify's own refusals (unparsable JSON, a wrong content type, a huge body) as reason codes. */
export function replyWithReason(reply: FastifyReply, err: FastifyError) {
  const status = err.statusCode ?? 500;
  if (status === 429) return reply.code(429).send({ reason: 'rate_limited' });
  if (status === 413) return reply.code(413).send({ reason: 'payload_too_large' });
  if (status >= 400 && status < 500) return reply.code(400).send({ reason: 'bad_request' });
  reply.log.error({ err }, 'verification failed');
  return reply.code(503).send({ reason: 'unavailable' });
}
