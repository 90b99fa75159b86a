import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LaunchDataChecker, LaunchUser } from '../core/mini-app/launch-data';
import { launchData } from './credentials';

declare module 'fastify' {
  interface FastifyRequest {
    /** The person whose Mini App sent the request, from launch data the messenger signed. */
    appUser?: LaunchUser;
  }
  interface FastifyContextConfig {
    /**
     * A route's own, shorter limit on the launch data's age (the checker's is the longest). Opening
     * a Digital ID asks for recent launch data: a copied page link (a screenshot of it, a shared
     * link, a proxy's log) must not show the person's statuses for a whole day.
     */
    launchDataMaxAgeSeconds?: number;
  }
}

/**
 * The Mini Apps' authentication (PRODUCT.md §8): every call carries `Authorization: tma
 * <initData>`. Anything but valid, fresh launch data of at most 4 KB is 401, saying no more.
 * Wrong launch data is not counted against the address as wrong keys are: checking it costs an
 * HMAC, never a database query, and an HMAC key cannot be guessed. Refusals are logged at debug
 * only: a page left open past APP_INIT_MAX_AGE_SECONDS is refused on every poll. Launch data too
 * old for a route's own limit is refused the same way: the page asks the person to open it again
 * from the chat, which signs new launch data.
 */
export function launchDataAuth(check: LaunchDataChecker) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const data = launchData(req.headers.authorization);
    const checked = data === null ? null : check(data, req.routeOptions.config.launchDataMaxAgeSeconds);
    if (!checked?.ok) {
      req.log.debug({ refusal: checked?.refusal ?? 'missing' }, 'Mini App launch data refused');
      return reply.code(401).send({ reason: 'unauthorized' });
    }
    req.appUser = checked.user;
  };
}

/** The authenticated person; the hook above has run for every route that asks. */
export function appUserOf(req: FastifyRequest): LaunchUser {
  if (!req.appUser) throw new Error('a Mini App route without launch-data authentication');
  return req.appUser;
}
