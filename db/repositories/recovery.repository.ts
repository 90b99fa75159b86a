import { and, eq, exists, gt, gte, isNull, lte, ne, sql } from 'drizzle-orm';
import type {
  Actor,
  FinalRecoveryStatus,
  Notices,
  RecoveryAsk,
  RecoveryRequest,
  RecoveryStore,
  TrustLink,
} from '../../core/trusted-contact/trusted-contact-store';
import type { Database, Executor } from '../database';
import { recoveryRequests, trustLinks } from '../schema';
import type { NoticeWriter } from './notice-writer';
import { auditRecoveryChange } from './trusted-contact-audit';
import { lockKey, type RequestRow, toRequest } from './trusted-contact-rows';

/**
 * The link's pending requests end with it, in the caller's transaction: cancelled, or expired if
 * already past their time (a decision never lands after `expiresAt`), each audited with why.
 */
export async function endRecoveriesOf(
  tx: Executor,
  link: TrustLink,
  at: Date,
  actor: Actor,
  reason: string,
): Promise<RecoveryRequest[]> {
  const rows = await tx
    .update(recoveryRequests)
    .set({
      status: sql`case when ${lte(recoveryRequests.expiresAt, at)} then 'expired' else 'cancelled' end`,
      decidedAt: at,
    })
    .where(and(eq(recoveryRequests.trustLinkId, link.id), eq(recoveryRequests.status, 'pending')))
    .returning();
  const ended = rows.map(toRequest);
  const details = { reason: `the relationship ended: ${reason}`, trustLinkId: link.id };
  for (const request of ended)
    await auditRecoveryChange(tx, request, { at, actor, action: request.status, from: 'pending', details });
  return ended;
}

const pendingOf = (input: RecoveryAsk) =>
  and(
    eq(recoveryRequests.trustorAccountId, input.trustorAccountId),
    eq(recoveryRequests.status, 'pending'),
    gt(recoveryRequests.expiresAt, input.now),
  );

/**
 * The trustor's contact, with the pending request and today's count beside it, after any other
 * ask for the same account committed. The link is share-locked: its end waits for this request
 * to commit and then cancels it too.
 */
async function askState(tx: Executor, input: RecoveryAsk) {
  // Two POSTs for one account queue up here; the read below then takes its snapshot after the
  // other committed (a row lock taken by that read would not refresh its subqueries).
  await lockKey(tx, `recovery:${input.trustorAccountId}`);
  const [state] = await tx
    .select({
      link: trustLinks,
      pendingId: sql<
        string | null
      >`(select ${recoveryRequests.id} from ${recoveryRequests} where ${pendingOf(input)} limit 1)`,
      today: sql<number>`(select count(*)::int from ${recoveryRequests} where ${and(
        eq(recoveryRequests.trustorAccountId, input.trustorAccountId),
        gte(recoveryRequests.createdAt, input.dayStart),
      )})`,
    })
    .from(trustLinks)
    .where(and(eq(trustLinks.trustorAccountId, input.trustorAccountId), eq(trustLinks.status, 'active')))
    .for('share');
  const pendingId = state
    ? state.pendingId
    : (await tx.select({ id: recoveryRequests.id }).from(recoveryRequests).where(pendingOf(input)))[0]?.id;
  return { link: state?.link, pendingId, today: state?.today ?? 0 };
}

async function openRecovery(
  tx: Executor,
  writeNotices: NoticeWriter,
  input: RecoveryAsk,
  notices: (request: RecoveryRequest) => Notices,
) {
  const state = await askState(tx, input);
  if (state.pendingId) {
    const [pending] = await tx
      .select()
      .from(recoveryRequests)
      .where(eq(recoveryRequests.id, state.pendingId));
    return { outcome: 'existing' as const, request: toRequest(pending as RequestRow) };
  }
  const active = state.link;
  if (!active?.contactAccountId) return { outcome: 'no_contact' as const };
  if (state.today >= input.maxPerDay) return { outcome: 'rate_limited' as const };
  const [row] = await tx
    .insert(recoveryRequests)
    .values({
      trustorAccountId: input.trustorAccountId,
      contactAccountId: active.contactAccountId,
      trustLinkId: active.id,
      createdAt: input.now,
      expiresAt: new Date(input.now.getTime() + input.ttlSeconds * 1000),
    })
    .returning();
  const request = toRequest(row as RequestRow);
  await auditRecoveryChange(tx, request, { at: input.now, actor: 'portal', action: 'request' });
  return { outcome: 'created' as const, request, outboxIds: await writeNotices(tx, await notices(request)) };
}

/** The decisions only the contact makes: they need the relationship still active. */
const byContact = (to: FinalRecoveryStatus) => to === 'approved' || to === 'denied';

async function decideRecovery(
  tx: Executor,
  writeNotices: NoticeWriter,
  id: string,
  to: FinalRecoveryStatus,
  at: Date,
  actor: Actor,
  notices: (request: RecoveryRequest) => Notices,
) {
  const linkActive = exists(
    tx
      .select({ id: trustLinks.id })
      .from(trustLinks)
      .where(and(eq(trustLinks.id, recoveryRequests.trustLinkId), eq(trustLinks.status, 'active'))),
  );
  const [row] = await tx
    .update(recoveryRequests)
    .set({ status: to, decidedAt: at })
    .where(
      and(
        eq(recoveryRequests.id, id),
        eq(recoveryRequests.status, 'pending'),
        to === 'expired' ? lte(recoveryRequests.expiresAt, at) : gt(recoveryRequests.expiresAt, at),
        byContact(to) ? linkActive : undefined,
      ),
    )
    .returning();
  if (!row) return null;
  const request = toRequest(row);
  await auditRecoveryChange(tx, request, { at, actor, action: to, from: 'pending' });
  return { request, outboxIds: await writeNotices(tx, await notices(request)) };
}

/** Recovery requests: each change one transaction with its audit row and notices. */
export function recoveryRepository(db: Database, writeNotices: NoticeWriter): RecoveryStore {
  return {
    openRecovery: (input, notices) => db.transaction((tx) => openRecovery(tx, writeNotices, input, notices)),
    decideRecovery: (id, to, at, actor, notices) =>
      db.transaction((tx) => decideRecovery(tx, writeNotices, id, to, at, actor, notices)),
    announce: (notices) => db.transaction(async (tx) => ({ outboxIds: await writeNotices(tx, notices) })),

    async findRecovery(id) {
      const [row] = await db.select().from(recoveryRequests).where(eq(recoveryRequests.id, id));
      return row ? toRequest(row) : null;
    },

    async pendingRecoveries() {
      const rows = await db.select().from(recoveryRequests).where(eq(recoveryRequests.status, 'pending'));
      return rows.map(toRequest);
    },

    async unacknowledged(since) {
      const rows = await db
        .select()
        .from(recoveryRequests)
        .where(
          and(
            ne(recoveryRequests.status, 'pending'),
            isNull(recoveryRequests.callbackDeliveredAt),
            gte(recoveryRequests.decidedAt, since),
          ),
        )
        .limit(1000);
      return rows.map(toRequest);
    },

    async markCallbackDelivered(id, at) {
      await db.update(recoveryRequests).set({ callbackDeliveredAt: at }).where(eq(recoveryRequests.id, id));
    },
  };
}
