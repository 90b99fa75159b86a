import { and, eq, isNotNull, lte, sql } from 'drizzle-orm';
import type { Scenario } from '../../core/digital-id/scenarios';
import type { DigitalIdSession, NewSession, SessionStore } from '../../core/digital-id/session';
import type { Database } from '../database';
import { toAccount } from '../registry/import-registry';
import { accountLinks, accountStatuses, accounts, digitalIdSessions } from '../schema';

type Row = typeof digitalIdSessions.$inferSelect;

const toSession = (row: Row): DigitalIdSession => ({
  id: row.id,
  sid: new Uint8Array(Buffer.from(row.sid, 'hex')),
  messengerUserId: row.messengerUserId,
  chatId: row.chatId,
  accountId: row.accountId,
  scenario: row.scenario as Scenario,
  locale: row.locale,
  messageId: row.messageId,
  seq: row.seq,
  status: row.status,
  refreshSeconds: row.refreshSeconds,
  tokenTtlSeconds: row.tokenTtlSeconds,
  startedAt: row.startedAt,
  endsAt: row.endsAt,
  channel: row.channel,
});

const live = (id: string) => and(eq(digitalIdSessions.id, id), eq(digitalIdSessions.status, 'live'));

export function digitalIdSessionRepository(db: Database): SessionStore {
  return {
    openSuperseding: (session) => openSuperseding(db, session),
    ...appSessionMethods(db),
    async find(id) {
      const [row] = await db.select().from(digitalIdSessions).where(eq(digitalIdSessions.id, id));
      return row ? toSession(row) : null;
    },
    async findBySid(sid) {
      const [row] = await db
        .select()
        .from(digitalIdSessions)
        .where(eq(digitalIdSessions.sid, Buffer.from(sid).toString('hex')));
      return row ? toSession(row) : null;
    },
    async showing() {
      const rows = await db
        .select()
        .from(digitalIdSessions)
        .where(and(eq(digitalIdSessions.status, 'live'), isNotNull(digitalIdSessions.messageId)));
      return rows.map(toSession);
    },
    async attachMessage(id, messageId) {
      await db.update(digitalIdSessions).set({ messageId }).where(eq(digitalIdSessions.id, id));
    },
    async claimSeq(id, from) {
      const rows = await db
        .update(digitalIdSessions)
        .set({ seq: from + 1 })
        .where(and(live(id), eq(digitalIdSessions.seq, from)))
        .returning({ seq: digitalIdSessions.seq });
      return rows.length === 1;
    },
    async releaseSeq(id, claimed) {
      await db
        .update(digitalIdSessions)
        .set({ seq: claimed - 1 })
        .where(and(live(id), eq(digitalIdSessions.seq, claimed)));
    },
    async end(id, status, reason, at) {
      const [row] = await db
        .update(digitalIdSessions)
        .set({ status, endReason: reason, endedAt: at })
        .where(live(id))
        .returning();
      return row ? toSession(row) : null;
    },
  };
}

/** Inserts a live session, ending the person's previous live one, while their link stands. */
function openSuperseding(db: Database, session: NewSession) {
  return db.transaction(async (tx) => {
    // The link must still stand, and stands until this commits: an unlink waits for it and
    // then revokes this session, or came first and this refuses. Without it an unlink racing
    // /id on another process could leave a live session of an unlinked, erased person.
    const [link] = await tx
      .select({ accountId: accountLinks.accountId })
      .from(accountLinks)
      .where(
        and(
          eq(accountLinks.messengerUserId, session.messengerUserId),
          eq(accountLinks.accountId, session.accountId),
        ),
      )
      .for('key share');
    if (!link) return null;
    const [superseded] = await tx
      .update(digitalIdSessions)
      .set({ status: 'superseded', endReason: 'a new session was opened', endedAt: session.startedAt })
      .where(
        and(
          eq(digitalIdSessions.messengerUserId, session.messengerUserId),
          eq(digitalIdSessions.status, 'live'),
        ),
      )
      .returning();
    await tx.insert(digitalIdSessions).values({ ...session, sid: Buffer.from(session.sid).toString('hex') });
    return { superseded: superseded ? toSession(superseded) : null };
  });
}

/**
 * The Mini App's sessions. A poll that signs the next QR reads the session with its person's
 * account, once every refresh interval for every live QR, so that read is prepared once: built
 * by drizzle at start, parsed by PostgreSQL once per connection. Unpolled sessions are expired.
 */
function appSessionMethods(db: Database): Pick<SessionStore, 'findWithHolder' | 'expireAppSessions'> {
  // The session, the account linked to its person now and that account's statuses: one row per
  // status (one with nulls when none, or nothing linked).
  const withHolder = db
    .select({
      session: digitalIdSessions,
      account: accounts,
      status: { kind: accountStatuses.kind, validUntil: accountStatuses.validUntil },
    })
    .from(digitalIdSessions)
    .leftJoin(accountLinks, eq(accountLinks.messengerUserId, digitalIdSessions.messengerUserId))
    .leftJoin(accounts, eq(accounts.id, accountLinks.accountId))
    .leftJoin(accountStatuses, eq(accountStatuses.accountId, accounts.id))
    .where(eq(digitalIdSessions.id, sql.placeholder('id')))
    .prepare('app_session_with_holder');
  return {
    async findWithHolder(id) {
      const rows = await withHolder.execute({ id });
      const [first] = rows;
      if (!first) return null;
      const statuses = rows.flatMap((r) => (r.status ? [r.status] : []));
      return {
        session: toSession(first.session),
        holder: first.account ? toAccount(first.account, statuses) : null,
      };
    },
    async expireAppSessions(now) {
      const rows = await db
        .update(digitalIdSessions)
        .set({ status: 'expired', endReason: 'the session ran its time', endedAt: now })
        .where(
          and(
            eq(digitalIdSessions.status, 'live'),
            eq(digitalIdSessions.channel, 'app'),
            lte(digitalIdSessions.endsAt, now),
          ),
        )
        .returning({ id: digitalIdSessions.id });
      return rows.length;
    },
  };
}
