import { and, count, eq, gt, lte, or } from 'drizzle-orm';
import type {
  Actor,
  Notices,
  RecoveryRequest,
  TrustLink,
  TrustLinkStore,
} from '../../core/trusted-contact/trusted-contact-store';
import type { Database, Executor } from '../database';
import { trustLinks } from '../schema';
import { invitationRepository } from './invitation.repository';
import type { NoticeWriter } from './notice-writer';
import { endRecoveriesOf } from './recovery.repository';
import { auditLinkChange } from './trusted-contact-audit';
import { type LinkRow, lockKey, toLink } from './trusted-contact-rows';

const REPLACED = 'the trustor chose another contact';

/** The invitation, locked, if this contact may still accept it; with how many they already help. */
async function acceptable(tx: Executor, id: string, contactAccountId: string, now: Date) {
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
  return { pending, used: slots?.n ?? 0 };
}

/** The trustor's active relationship, if any, is replaced; its pending requests end with it. */
async function replaceActive(tx: Executor, trustorAccountId: string, now: Date, actor: Actor) {
  await lockKey(tx, `trustor:${trustorAccountId}`);
  const [row] = await tx
    .update(trustLinks)
    .set({ status: 'replaced', closedAt: now, closeReason: REPLACED })
    .where(and(eq(trustLinks.trustorAccountId, trustorAccountId), eq(trustLinks.status, 'active')))
    .returning();
  if (!row) return { replaced: null, endedRequests: [] };
  const replaced = toLink(row);
  await auditLinkChange(tx, replaced, { at: now, actor, action: 'replace', from: 'active' });
  return { replaced, endedRequests: await endRecoveriesOf(tx, replaced, now, actor, REPLACED) };
}

async function accept(
  tx: Executor,
  writeNotices: NoticeWriter,
  id: string,
  contactAccountId: string,
  now: Date,
  cap: number,
  notices: (link: TrustLink, replaced: TrustLink | null, endedRequests: RecoveryRequest[]) => Notices,
) {
  const { pending, used } = await acceptable(tx, id, contactAccountId, now);
  if (!pending) return { outcome: 'not_pending' as const };
  if (used >= cap) return { outcome: 'contact_full' as const };
  const actor = { account: contactAccountId };
  const { replaced, endedRequests } = await replaceActive(tx, pending.trustorAccountId, now, actor);
  const [row] = await tx
    .update(trustLinks)
    .set({ status: 'active', acceptedAt: now })
    .where(eq(trustLinks.id, id))
    .returning();
  const link = toLink(row as LinkRow);
  await auditLinkChange(tx, link, { at: now, actor, action: 'accept', from: 'invited' });
  const outboxIds = await writeNotices(tx, await notices(link, replaced, endedRequests));
  return { outcome: 'accepted' as const, link, endedRequests, outboxIds };
}

/** The port's close, inside the caller's transaction. */
async function close(
  tx: Executor,
  writeNotices: NoticeWriter,
  ...[id, from, to, at, actor, reason, notices]: Parameters<TrustLinkStore['close']>
) {
  // An invitation closes only while unexpired, except by expiring.
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
  await auditLinkChange(tx, link, { at, actor, action: to, from, details: { reason } });
  const endedRequests: RecoveryRequest[] =
    from === 'active' ? await endRecoveriesOf(tx, link, at, actor, reason) : [];
  return { link, endedRequests, outboxIds: await writeNotices(tx, await notices(link, endedRequests)) };
}

/** Invitations and relationships: the reads, and each change in one transaction. */
export function trustLinkRepository(db: Database, writeNotices: NoticeWriter): TrustLinkStore {
  const select = () => db.select().from(trustLinks);
  const links = async (rows: Promise<LinkRow[]>): Promise<TrustLink[]> => (await rows).map(toLink);
  return {
    ...invitationRepository(db, writeNotices),
    accept: (id, contactAccountId, now, cap, notices) =>
      db.transaction((tx) => accept(tx, writeNotices, id, contactAccountId, now, cap, notices)),
    close: (...args) => db.transaction((tx) => close(tx, writeNotices, ...args)),

    async trustorView(trustorAccountId, now) {
      const open = or(
        eq(trustLinks.status, 'active'),
        and(eq(trustLinks.status, 'invited'), gt(trustLinks.expiresAt, now)),
      );
      const mine = await links(select().where(and(eq(trustLinks.trustorAccountId, trustorAccountId), open)));
      return {
        invitation: mine.find((l) => l.status === 'invited') ?? null,
        active: mine.find((l) => l.status === 'active') ?? null,
      };
    },
    contactView: (contactAccountId) =>
      links(
        select().where(
          and(eq(trustLinks.contactAccountId, contactAccountId), eq(trustLinks.status, 'active')),
        ),
      ),
    async findLink(id) {
      const [row] = await select().where(eq(trustLinks.id, id));
      return row ? toLink(row) : null;
    },
    expiredInvitations: (now) =>
      links(select().where(and(eq(trustLinks.status, 'invited'), lte(trustLinks.expiresAt, now)))),
    activeLinks: () => links(select().where(eq(trustLinks.status, 'active'))),
  };
}
