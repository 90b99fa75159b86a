import { and, count, desc, eq, exists, gt, gte, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type {
  Actor,
  FinalRecoveryStatus,
  RecoveryRequest,
  TrustedContactStore,
  TrustLink,
} from '../../core/trusted-contact/trusted-contact-store';
import type { Database, Executor } from '../database';
import { auditEvents, recoveryRequests, trustLinks } from '../schema';
import { actorName, recordAudit } from './audit.repository';
import type { NoticeWriter } from './notice-writer';

type LinkRow = typeof trustLinks.$inferSelect;
type RequestRow = typeof recoveryRequests.$inferSelect;

const toLink = (r: LinkRow): TrustLink => ({
  id: r.id,
  trustorAccountId: r.trustorAccountId,
  contactAccountId: r.contactAccountId,
  contactName: r.contactName,
  contactPhoneMasked: r.contactPhoneMasked,
  status: r.status,
  delivered: r.delivered,
  invitedAt: r.invitedAt,
  expiresAt: r.expiresAt,
  acceptedAt: r.acceptedAt,
});

const toRequest = (r: RequestRow): RecoveryRequest => ({
  id: r.id,
  trustorAccountId: r.trustorAccountId,
  contactAccountId: r.contactAccountId,
  trustLinkId: r.trustLinkId,
  status: r.status,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
  decidedAt: r.decidedAt,
  callbackDeliveredAt: r.callbackDeliveredAt,
});

const linkAccounts = (l: TrustLink) => [
  l.trustorAccountId,
  ...(l.contactAccountId ? [l.contactAccountId] : []),
];

/** Serialises changes about one key (a contact's slots, a trustor's requests) inside a transaction. */
const lockKey = (tx: Executor, key: string) =>
  tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);

const HOUR_MS = 3_600_000;

/**
 * How many of `max` the trustor used in the hour before `now` (their `action` audit rows), and,
 * once all are used, when the oldest of the last `max` leaves the hour. Read in the caller's
 * transaction after its lock, so a concurrent change has committed its row and is counted.
 */
async function hourlyUse(q: Executor, action: string, trustorAccountId: string, now: Date, max: number) {
  const recent = await q
    .select({ at: auditEvents.at })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.action, action),
        eq(auditEvents.actor, actorName({ account: trustorAccountId })),
        gt(auditEvents.at, new Date(now.getTime() - HOUR_MS)),
      ),
    )
    .orderBy(desc(auditEvents.at))
    .limit(max);
  const oldest = recent.length >= max ? recent[max - 1] : undefined;
  return { used: recent.length, retryAt: oldest ? new Date(oldest.at.getTime() + HOUR_MS) : null };
}

/**
 * The link's pending requests end with it, in the caller's transaction: cancelled, or expired if
 * already past their time (a decision never lands after `expiresAt`), each audited with why.
 */
async function endRecoveriesOf(
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
  for (const request of ended)
    await recordAudit(tx, {
      at,
      actor,
      action: `recovery.${request.status}`,
      subjectType: 'recovery_request',
      subjectId: request.id,
      fromState: 'pending',
      toState: request.status,
      accountIds: [request.trustorAccountId, request.contactAccountId],
      details: { reason: `the relationship ended: ${reason}`, trustLinkId: link.id },
    });
  return ended;
}

/** The decisions only the contact makes: they need the relationship still active. */
const byContact = (to: FinalRecoveryStatus) => to === 'approved' || to === 'denied';

export function trustedContactRepository(db: Database, writeNotices: NoticeWriter): TrustedContactStore {
  return {
    async trustorView(trustorAccountId, now) {
      const rows = await db
        .select()
        .from(trustLinks)
        .where(
          and(
            eq(trustLinks.trustorAccountId, trustorAccountId),
            or(
              eq(trustLinks.status, 'active'),
              and(eq(trustLinks.status, 'invited'), gt(trustLinks.expiresAt, now)),
            ),
          ),
        );
      const links = rows.map(toLink);
      return {
        invitation: links.find((l) => l.status === 'invited') ?? null,
        active: links.find((l) => l.status === 'active') ?? null,
      };
    },

    async contactView(contactAccountId) {
      const rows = await db
        .select()
        .from(trustLinks)
        .where(and(eq(trustLinks.contactAccountId, contactAccountId), eq(trustLinks.status, 'active')));
      return rows.map(toLink);
    },

    async findLink(id) {
      const [row] = await db.select().from(trustLinks).where(eq(trustLinks.id, id));
      return row ? toLink(row) : null;
    },

    async nextInvitationAt(trustorAccountId, now, maxPerHour) {
      return (await hourlyUse(db, 'trust_link.invite', trustorAccountId, now, maxPerHour)).retryAt;
    },

    invite(input, maxPerHour, notices) {
      return db.transaction(async (tx) => {
        await lockKey(tx, `trustor:${input.trustorAccountId}`);
        const { retryAt } = await hourlyUse(
          tx,
          'trust_link.invite',
          input.trustorAccountId,
          input.invitedAt,
          maxPerHour,
        );
        if (retryAt) return { outcome: 'limited' as const, retryAt };
        const actor = { account: input.trustorAccountId };
        const previous = await tx
          .update(trustLinks)
          .set({
            status: 'cancelled',
            closedAt: input.invitedAt,
            closeReason: 'a new invitation replaced it',
          })
          .where(
            and(eq(trustLinks.trustorAccountId, input.trustorAccountId), eq(trustLinks.status, 'invited')),
          )
          .returning();
        for (const old of previous)
          await recordAudit(tx, {
            at: input.invitedAt,
            actor,
            action: 'trust_link.cancel',
            subjectType: 'trust_link',
            subjectId: old.id,
            fromState: 'invited',
            toState: 'cancelled',
            accountIds: linkAccounts(toLink(old)),
            details: { reason: 'replaced by a new invitation' },
          });
        const [row] = await tx
          .insert(trustLinks)
          .values({ ...input, status: 'invited' })
          .returning();
        const link = toLink(row as LinkRow);
        const outboxIds = await writeNotices(tx, await notices(link));
        if (outboxIds.length > 0 && link.contactAccountId)
          await tx.update(trustLinks).set({ delivered: true }).where(eq(trustLinks.id, link.id));
        await recordAudit(tx, {
          at: input.invitedAt,
          actor,
          action: 'trust_link.invite',
          subjectType: 'trust_link',
          subjectId: link.id,
          toState: 'invited',
          accountIds: linkAccounts(link),
          details: { deliverable: link.contactAccountId !== null, phone: link.contactPhoneMasked },
        });
        return { outcome: 'invited' as const, link, outboxIds };
      });
    },

    accept(id, contactAccountId, now, cap, notices) {
      return db.transaction(async (tx) => {
        await lockKey(tx, `contact:${contactAccountId}`);
        const [slots] = await tx
          .select({ n: count() })
          .from(trustLinks)
          .where(and(eq(trustLinks.contactAccountId, contactAccountId), eq(trustLinks.status, 'active')));
        const [pending] = await tx
          .select()
          .from(trustLinks)
          .where(
            and(
              eq(trustLinks.id, id),
              eq(trustLinks.contactAccountId, contactAccountId),
              eq(trustLinks.status, 'invited'),
              gt(trustLinks.expiresAt, now),
            ),
          )
          .for('update');
        if (!pending) return { outcome: 'not_pending' as const };
        if ((slots?.n ?? 0) >= cap) return { outcome: 'contact_full' as const };
        await lockKey(tx, `trustor:${pending.trustorAccountId}`);
        const [replacedRow] = await tx
          .update(trustLinks)
          .set({ status: 'replaced', closedAt: now, closeReason: 'the trustor chose another contact' })
          .where(
            and(eq(trustLinks.trustorAccountId, pending.trustorAccountId), eq(trustLinks.status, 'active')),
          )
          .returning();
        const replaced = replacedRow ? toLink(replacedRow) : null;
        const actor = { account: contactAccountId };
        if (replaced)
          await recordAudit(tx, {
            at: now,
            actor,
            action: 'trust_link.replace',
            subjectType: 'trust_link',
            subjectId: replaced.id,
            fromState: 'active',
            toState: 'replaced',
            accountIds: linkAccounts(replaced),
          });
        const endedRequests = replaced
          ? await endRecoveriesOf(tx, replaced, now, actor, 'the trustor chose another contact')
          : [];
        const [row] = await tx
          .update(trustLinks)
          .set({ status: 'active', acceptedAt: now })
          .where(eq(trustLinks.id, id))
          .returning();
        const link = toLink(row as LinkRow);
        await recordAudit(tx, {
          at: now,
          actor,
          action: 'trust_link.accept',
          subjectType: 'trust_link',
          subjectId: id,
          fromState: 'invited',
          toState: 'active',
          accountIds: linkAccounts(link),
        });
        const outboxIds = await writeNotices(tx, await notices(link, replaced, endedRequests));
        return { outcome: 'accepted' as const, link, endedRequests, outboxIds };
      });
    },

    close(id, from, to, at, actor, reason, notices) {
      return db.transaction(async (tx) => {
        const timely =
          from !== 'invited'
            ? undefined
            : to === 'expired'
              ? lte(trustLinks.expiresAt, at)
              : gt(trustLinks.expiresAt, at);
        const [row] = await tx
          .update(trustLinks)
          .set({ status: to, closedAt: at, closeReason: reason })
          .where(and(eq(trustLinks.id, id), eq(trustLinks.status, from), timely))
          .returning();
        if (!row) return null;
        const link = toLink(row);
        await recordAudit(tx, {
          at,
          actor,
          action: `trust_link.${to}`,
          subjectType: 'trust_link',
          subjectId: id,
          fromState: from,
          toState: to,
          accountIds: linkAccounts(link),
          details: { reason },
        });
        const endedRequests = from === 'active' ? await endRecoveriesOf(tx, link, at, actor, reason) : [];
        return { link, endedRequests, outboxIds: await writeNotices(tx, await notices(link, endedRequests)) };
      });
    },

    resend(id, trustorAccountId, now, expiresAt, maxPerHour, notices) {
      return db.transaction(async (tx) => {
        const open = and(
          eq(trustLinks.id, id),
          eq(trustLinks.trustorAccountId, trustorAccountId),
          eq(trustLinks.status, 'invited'),
          gt(trustLinks.expiresAt, now),
        );
        // Locked first, counted after in a statement of its own: a concurrent resend has then
        // committed its audit row, and this count sees it.
        const [locked] = await tx.select({ id: trustLinks.id }).from(trustLinks).where(open).for('update');
        if (!locked) return { outcome: 'not_pending' as const };
        const { used: before, retryAt } = await hourlyUse(
          tx,
          'trust_link.resend',
          trustorAccountId,
          now,
          maxPerHour,
        );
        if (retryAt) return { outcome: 'limited' as const };
        const [row] = await tx.update(trustLinks).set({ expiresAt }).where(open).returning();
        if (!row) return { outcome: 'not_pending' as const };
        const link = toLink(row);
        const outboxIds = await writeNotices(tx, await notices(link));
        if (outboxIds.length > 0)
          await tx.update(trustLinks).set({ delivered: true }).where(eq(trustLinks.id, id));
        await recordAudit(tx, {
          at: now,
          actor: { account: trustorAccountId },
          action: 'trust_link.resend',
          subjectType: 'trust_link',
          subjectId: id,
          fromState: 'invited',
          toState: 'invited',
          accountIds: linkAccounts(link),
        });
        return { outcome: 'resent' as const, link, count: before + 1, outboxIds };
      });
    },

    announce(notices) {
      return db.transaction(async (tx) => ({ outboxIds: await writeNotices(tx, notices) }));
    },

    deliverPending(contactAccountId, now, notices) {
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(trustLinks)
          .set({ delivered: true })
          .where(
            and(
              eq(trustLinks.contactAccountId, contactAccountId),
              eq(trustLinks.status, 'invited'),
              eq(trustLinks.delivered, false),
              gt(trustLinks.expiresAt, now),
            ),
          )
          .returning();
        const outboxIds: string[] = [];
        for (const row of rows) outboxIds.push(...(await writeNotices(tx, await notices(toLink(row)))));
        return { outboxIds };
      });
    },

    async expiredInvitations(now) {
      const rows = await db
        .select()
        .from(trustLinks)
        .where(and(eq(trustLinks.status, 'invited'), lte(trustLinks.expiresAt, now)));
      return rows.map(toLink);
    },

    async activeLinks() {
      return (await db.select().from(trustLinks).where(eq(trustLinks.status, 'active'))).map(toLink);
    },

    openRecovery(input, notices) {
      return db.transaction(async (tx) => {
        const pendingOf = and(
          eq(recoveryRequests.trustorAccountId, input.trustorAccountId),
          eq(recoveryRequests.status, 'pending'),
          gt(recoveryRequests.expiresAt, input.now),
        );
        // Two POSTs for one account queue up here; the read below then takes its snapshot after
        // the other committed (a row lock taken by that read would not refresh its subqueries).
        await lockKey(tx, `recovery:${input.trustorAccountId}`);
        // The trustor's contact, with the pending request and today's count beside it. The link
        // is share-locked: its end waits for this request to commit and then cancels it too.
        const [state] = await tx
          .select({
            link: trustLinks,
            pendingId: sql<
              string | null
            >`(select ${recoveryRequests.id} from ${recoveryRequests} where ${pendingOf} limit 1)`,
            today: sql<number>`(select count(*)::int from ${recoveryRequests} where ${and(
              eq(recoveryRequests.trustorAccountId, input.trustorAccountId),
              gte(recoveryRequests.createdAt, input.dayStart),
            )})`,
          })
          .from(trustLinks)
          .where(
            and(eq(trustLinks.trustorAccountId, input.trustorAccountId), eq(trustLinks.status, 'active')),
          )
          .for('share');
        const pendingId = state
          ? state.pendingId
          : (await tx.select({ id: recoveryRequests.id }).from(recoveryRequests).where(pendingOf))[0]?.id;
        if (pendingId) {
          const [pending] = await tx
            .select()
            .from(recoveryRequests)
            .where(eq(recoveryRequests.id, pendingId));
          return { outcome: 'existing' as const, request: toRequest(pending as RequestRow) };
        }
        const active = state?.link;
        if (!active?.contactAccountId) return { outcome: 'no_contact' as const };
        if ((state?.today ?? 0) >= input.maxPerDay) return { outcome: 'rate_limited' as const };
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
        await recordAudit(tx, {
          at: input.now,
          actor: 'portal',
          action: 'recovery.request',
          subjectType: 'recovery_request',
          subjectId: request.id,
          toState: 'pending',
          accountIds: [request.trustorAccountId, request.contactAccountId],
        });
        return {
          outcome: 'created' as const,
          request,
          outboxIds: await writeNotices(tx, await notices(request)),
        };
      });
    },

    async findRecovery(id) {
      const [row] = await db.select().from(recoveryRequests).where(eq(recoveryRequests.id, id));
      return row ? toRequest(row) : null;
    },

    decideRecovery(id, to, at, actor, notices) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(recoveryRequests)
          .set({ status: to, decidedAt: at })
          .where(
            and(
              eq(recoveryRequests.id, id),
              eq(recoveryRequests.status, 'pending'),
              to === 'expired' ? lte(recoveryRequests.expiresAt, at) : gt(recoveryRequests.expiresAt, at),
              byContact(to)
                ? exists(
                    tx
                      .select({ id: trustLinks.id })
                      .from(trustLinks)
                      .where(
                        and(eq(trustLinks.id, recoveryRequests.trustLinkId), eq(trustLinks.status, 'active')),
                      ),
                  )
                : undefined,
            ),
          )
          .returning();
        if (!row) return null;
        const request = toRequest(row);
        await recordAudit(tx, {
          at,
          actor,
          action: `recovery.${to}`,
          subjectType: 'recovery_request',
          subjectId: id,
          fromState: 'pending',
          toState: to,
          accountIds: [request.trustorAccountId, request.contactAccountId],
        });
        return { request, outboxIds: await writeNotices(tx, await notices(request)) };
      });
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
