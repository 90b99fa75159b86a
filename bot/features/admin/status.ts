import { Composer } from 'grammy';
import type { AdminService } from '../../../core/admin/admin-service';
import type { AdminContext } from './admin-replies';

export interface StatusDeps {
  service: Pick<AdminService, 'stats'>;
  /** Jobs per state, per queue. */
  queueSummary(): Promise<Record<string, Record<string, number>>>;
  /** Today's verifications (Moscow time) per result, from every process. */
  verificationsToday(): Promise<Record<string, number>>;
  /** Today's views of the /v/ page per result: looks, not checkouts' checks. */
  pageViewsToday(): Promise<Record<string, number>>;
}

/** "confirmed 3, revoked 1", or 0 when there is nothing to count. */
const counts = (byKind: Record<string, number>) =>
  Object.entries(byKind)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ') || '0';

/** /stats: the service's figures, today's checks and the queues, at a glance. */
export function statusCommands(deps: StatusDeps): Composer<AdminContext> {
  const feature = new Composer<AdminContext>();
  feature.command('stats', async (ctx) => {
    const [stats, queues, verifications, pageViews] = await Promise.all([
      deps.service.stats(),
      deps.queueSummary(),
      // The tallies live in Redis: /stats answers without them while it is away.
      deps.verificationsToday().catch(() => null),
      deps.pageViewsToday().catch(() => null),
    ]);
    return ctx.reply(
      ctx.t('admin-stats', {
        linked: stats.linked,
        live: stats.liveSessions,
        relationships: stats.relationships,
        recoveries: counts(stats.recoveries),
        verifications: verifications ? counts(verifications) : '—',
        pageViews: pageViews ? counts(pageViews) : '—',
        queue: Object.entries(queues)
          .map(([name, states]) => `${name}: ${counts(states)}`)
          .join('; '),
        kid: stats.activeKid ?? '—',
      }),
    );
  });
  return feature;
}
