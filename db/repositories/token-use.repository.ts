import { and, eq, exists, gt, lt, type Placeholder, sql } from 'drizzle-orm';
import type { TokenUses } from '../../core/verification/verification';
import type { Database } from '../database';
import { accountLinks, digitalIdSessions, digitalIdTokenUses } from '../schema';

/**
 * Session state and single use in PostgreSQL, so a mark survives a Redis failover and every
 * API process sees the same one. A session that was stopped, superseded, revoked or has run
 * its time is not live; nor is one whose account was unlinked from that chat since, even before
 * the refresh chain notices and ends it.
 */
export function tokenUseRepository(db: Database) {
  const liveSession = (sid: string | Placeholder, now: Date | Placeholder) =>
    and(
      eq(digitalIdSessions.sid, sid),
      eq(digitalIdSessions.status, 'live'),
      gt(digitalIdSessions.endsAt, now),
      exists(
        db
          .select({ one: sql`1` })
          .from(accountLinks)
          .where(
            and(
              eq(accountLinks.accountId, digitalIdSessions.accountId),
              eq(accountLinks.messengerUserId, digitalIdSessions.messengerUserId),
            ),
          ),
      ),
    );

  // Built once: this runs for every checkout scan, and building the query costs more than running it.
  const markIfLive = db
    .insert(digitalIdTokenUses)
    .select(
      db
        .select({
          sid: sql<string>`${sql.placeholder('sid')}::text`.as('sid'),
          seq: sql<number>`${sql.placeholder('seq')}::integer`.as('seq'),
          usedAt: sql<Date>`${sql.placeholder('now')}::timestamptz`.as('used_at'),
          expiresAt: sql<Date>`${sql.placeholder('keepUntil')}::timestamptz`.as('expires_at'),
        })
        .from(digitalIdSessions)
        .where(liveSession(sql.placeholder('sid'), sql.placeholder('now'))),
    )
    .onConflictDoNothing()
    .returning({ seq: digitalIdTokenUses.seq })
    .prepare('digital_id_mark_token_used');

  async function isLive(sid: string, now: Date): Promise<boolean> {
    const [row] = await db
      .select({ id: digitalIdSessions.id })
      .from(digitalIdSessions)
      .where(liveSession(sid, now));
    return row !== undefined;
  }

  const uses: TokenUses = {
    async check({ sid: sidBytes, seq, now, consume, keepUntil }) {
      const sid = Buffer.from(sidBytes).toString('hex');
      if (!consume) {
        const [live, used] = await Promise.all([
          isLive(sid, now),
          db
            .select({ seq: digitalIdTokenUses.seq })
            .from(digitalIdTokenUses)
            .where(and(eq(digitalIdTokenUses.sid, sid), eq(digitalIdTokenUses.seq, seq))),
        ]);
        return { live, fresh: used.length === 0 };
      }
      // The checkout's path: one prepared statement marks the QR used only if its session is
      // live; a concurrent second scan waits on the key and then inserts nothing.
      const marked = await markIfLive.execute({
        sid,
        seq,
        now: now.toISOString(),
        keepUntil: keepUntil.toISOString(),
      });
      if (marked.length > 0) return { live: true, fresh: true };
      return { live: await isLive(sid, now), fresh: false };
    },
  };

  return {
    ...uses,
    /** Marks of tokens that can no longer verify anyway. */
    async pruneExpired(now: Date): Promise<number> {
      const removed = await db
        .delete(digitalIdTokenUses)
        .where(lt(digitalIdTokenUses.expiresAt, now))
        .returning({ seq: digitalIdTokenUses.seq });
      return removed.length;
    },
  };
}
