import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { SCENARIOS } from '../core/digital-id/scenarios';
import type { LaunchDataChecker } from '../core/mini-app/launch-data';
import type { DigitalIdVerification } from '../core/verification/verification';
import { appUserOf, launchDataAuth } from './launch-data-auth';
import { VERIFY_BODY_LIMIT_BYTES, verifyRequest, verifyScope } from './verify';

export interface AppVerifyDeps {
  verification: Pick<DigitalIdVerification, 'verify'>;
  launchData: LaunchDataChecker;
  isVerifier(messengerUserId: number): Promise<boolean>;
  isBlocked(messengerUserId: number): Promise<boolean>;
  /**
   * Whether the person is over their cap of actions (the chat's, shared). Asked before the
   * database is: launch data stays valid a day, and anyone in the messenger has their own.
   */
  overLimit(messengerUserId: number): Promise<boolean>;
  ratePerMinute: number;
  redis: Redis;
  redisPrefix: string;
}

/**
 * The cashier's scanner (PRODUCT.md §8): POST /api/v1/app/verify answers exactly as POST
 * /api/v1/verify does, through the same verification (a confirmed QR is spent), for a person
 * whose linked account holds the verifier role, with the same per-verifier rate limit. Every
 * call first counts against the person's cap, so a script answered 403 costs no query.
 * GET /api/v1/app/verify/scenarios lists what may be checked, to the same people only.
 */
export async function registerAppVerifyRoute(app: FastifyInstance, deps: AppVerifyDeps): Promise<void> {
  await app.register(async (scope) => {
    await verifyScope(scope, deps.redis, `${deps.redisPrefix}:app-verify-rate:`);
    scope.addHook('onRequest', launchDataAuth(deps.launchData));
    scope.addHook('onRequest', async (req, reply) => {
      const { id } = appUserOf(req);
      if (await deps.overLimit(id)) return reply.code(429).send({ reason: 'too_many_requests' });
      if (await deps.isBlocked(id)) return reply.code(403).send({ reason: 'blocked' });
      if (!(await deps.isVerifier(id))) return reply.code(403).send({ reason: 'not_a_verifier' });
    });

    // What the scanner offers to check, asked before the camera opens: the same hooks refuse a
    // person without the role, who so learns it before pointing the camera at anyone.
    scope.get('/api/v1/app/verify/scenarios', async (_req, reply) =>
      reply.header('cache-control', 'no-store').send({ scenarios: SCENARIOS }),
    );

    scope.post(
      '/api/v1/app/verify',
      {
        bodyLimit: VERIFY_BODY_LIMIT_BYTES,
        config: {
          rateLimit: {
            max: deps.ratePerMinute,
            timeWindow: 60_000,
            keyGenerator: (req) => String(req.appUser?.id ?? 'anonymous'),
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
