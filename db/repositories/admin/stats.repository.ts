import { count, eq } from 'drizzle-orm';
import type { AdminStats } from '../../../core/admin/admin-store';
import type { Executor } from '../../database';
import { accountLinks, digitalIdSessions, recoveryRequests, signingKeys, trustLinks } from '../../schema';

/** The figures of /stats: linked people, live sessions, relationships, recoveries, the active key. */
export async function adminStats(db: Executor): Promise<AdminStats> {
  const [[linked], [live], [relationships], recoveries, [activeKey]] = await Promise.all([
    db.select({ n: count() }).from(accountLinks),
    db.select({ n: count() }).from(digitalIdSessions).where(eq(digitalIdSessions.status, 'live')),
    db.select({ n: count() }).from(trustLinks).where(eq(trustLinks.status, 'active')),
    db
      .select({ status: recoveryRequests.status, n: count() })
      .from(recoveryRequests)
      .groupBy(recoveryRequests.status),
    db.select({ kid: signingKeys.kid }).from(signingKeys).where(eq(signingKeys.status, 'active')),
  ]);
  return {
    linked: linked?.n ?? 0,
    liveSessions: live?.n ?? 0,
    relationships: relationships?.n ?? 0,
    recoveries: Object.fromEntries(recoveries.map((r) => [r.status, r.n])),
    activeKid: activeKey?.kid ?? null,
  };
}
