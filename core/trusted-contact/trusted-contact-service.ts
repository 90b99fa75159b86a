import { recoveryService } from './recovery-service';
import type { TrustedContactDeps } from './service-deps';
import { trustLinkService } from './trust-link-service';

/**
 * Trusted contacts and assisted recovery as the bot, the API and the jobs see them: one object
 * over the two services, which also stand alone.
 */
export function trustedContactService(deps: TrustedContactDeps) {
  const links = trustLinkService(deps);
  const recovery = recoveryService(deps);
  return {
    settings: deps.settings,
    ...links,
    ...recovery,
    /**
     * The sweeper, over both (each has its own part): invitations past their time expire,
     * relationships no longer eligible end, then overdue requests expire and lost callbacks are
     * queued again, all as of one instant.
     */
    async sweep() {
      const at = deps.clock.now();
      await links.sweep(at);
      await recovery.sweep(at);
    },
  };
}

export type TrustedContactService = ReturnType<typeof trustedContactService>;
