import { and, eq, gt } from 'drizzle-orm';
import type {
  NewInvitation,
  Notices,
  TrustLink,
  TrustLinkStore,
} from '../../core/trusted-contact/trusted-contact-store';
import type { Database, Executor } from '../database';
import { trustLinks } from '../schema';
import type { NoticeWriter } from './notice-writer';
import { auditLinkChange, hourlyUse } from './trusted-contact-audit';
import { type LinkRow, lockKey, toLink } from './trusted-contact-rows';

type Write = (link: TrustLink) => Notices;

/** The trustor's open invitation is cancelled: a new one takes its place. */
async function cancelOpenInvitation(tx: Executor, trustorAccountId: string, at: Date) {
  const previous = await tx
    .update(trustLinks)
    .set({ status: 'cancelled', closedAt: at, closeReason: 'a new invitation replaced it' })
    .where(and(eq(trustLinks.trustorAccountId, trustorAccountId), eq(trustLinks.status, 'invited')))
    .returning();
  const change = {
    at,
    actor: { account: trustorAccountId },
    action: 'cancel',
    from: 'invited',
    details: { reason: 'replaced by a new invitation' },
  };
  for (const old of previous) await auditLinkChange(tx, toLink(old), change);
}

/** Its notices written; a link with any is delivered. */
async function sent(tx: Executor, writeNotices: NoticeWriter, link: TrustLink, notices: Write) {
  const outboxIds = await writeNotices(tx, await notices(link));
  if (outboxIds.length > 0 && link.contactAccountId)
    await tx.update(trustLinks).set({ delivered: true }).where(eq(trustLinks.id, link.id));
  return outboxIds;
}

async function invite(
  tx: Executor,
  writeNotices: NoticeWriter,
  input: NewInvitation,
  maxPerHour: number,
  notices: Write,
) {
  const trustor = input.trustorAccountId;
  await lockKey(tx, `trustor:${trustor}`);
  const { retryAt } = await hourlyUse(tx, 'trust_link.invite', trustor, input.invitedAt, maxPerHour);
  if (retryAt) return { outcome: 'limited' as const, retryAt };
  await cancelOpenInvitation(tx, trustor, input.invitedAt);
  const [row] = await tx
    .insert(trustLinks)
    .values({ ...input, status: 'invited' })
    .returning();
  const link = toLink(row as LinkRow);
  const outboxIds = await sent(tx, writeNotices, link, notices);
  const details = { deliverable: link.contactAccountId !== null, phone: link.contactPhoneMasked };
  await auditLinkChange(tx, link, {
    at: input.invitedAt,
    actor: { account: trustor },
    action: 'invite',
    details,
  });
  return { outcome: 'invited' as const, link, outboxIds };
}

async function resend(
  tx: Executor,
  writeNotices: NoticeWriter,
  id: string,
  trustorAccountId: string,
  now: Date,
  expiresAt: Date,
  maxPerHour: number,
  notices: Write,
) {
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
  const use = await hourlyUse(tx, 'trust_link.resend', trustorAccountId, now, maxPerHour);
  if (use.retryAt) return { outcome: 'limited' as const };
  const [row] = await tx.update(trustLinks).set({ expiresAt }).where(open).returning();
  if (!row) return { outcome: 'not_pending' as const };
  const link = toLink(row);
  const outboxIds = await sent(tx, writeNotices, link, notices);
  const actor = { account: trustorAccountId };
  await auditLinkChange(tx, link, { at: now, actor, action: 'resend', from: 'invited' });
  return { outcome: 'resent' as const, link, count: use.used + 1, outboxIds };
}

async function deliverPending(
  tx: Executor,
  writeNotices: NoticeWriter,
  contact: string,
  now: Date,
  notices: Write,
) {
  const rows = await tx
    .update(trustLinks)
    .set({ delivered: true })
    .where(
      and(
        eq(trustLinks.contactAccountId, contact),
        eq(trustLinks.status, 'invited'),
        eq(trustLinks.delivered, false),
        gt(trustLinks.expiresAt, now),
      ),
    )
    .returning();
  const outboxIds: string[] = [];
  for (const row of rows) outboxIds.push(...(await writeNotices(tx, await notices(toLink(row)))));
  return { outboxIds };
}

/** Invitations: sent, resent and delivered, each in one transaction with its audit row and notices. */
export function invitationRepository(
  db: Database,
  writeNotices: NoticeWriter,
): Pick<TrustLinkStore, 'nextInvitationAt' | 'invite' | 'resend' | 'deliverPending'> {
  return {
    nextInvitationAt: async (trustorAccountId, now, maxPerHour) =>
      (await hourlyUse(db, 'trust_link.invite', trustorAccountId, now, maxPerHour)).retryAt,
    invite: (input, maxPerHour, notices) =>
      db.transaction((tx) => invite(tx, writeNotices, input, maxPerHour, notices)),
    resend: (id, trustorAccountId, now, expiresAt, maxPerHour, notices) =>
      db.transaction((tx) =>
        resend(tx, writeNotices, id, trustorAccountId, now, expiresAt, maxPerHour, notices),
      ),
    deliverPending: (contactAccountId, now, notices) =>
      db.transaction((tx) => deliverPending(tx, writeNotices, contactAccountId, now, notices)),
  };
}
