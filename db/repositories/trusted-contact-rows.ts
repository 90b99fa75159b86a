import { sql } from 'drizzle-orm';
import type { RecoveryRequest, TrustLink } from '../../core/trusted-contact/trusted-contact-store';
import type { Executor } from '../database';
import type { recoveryRequests, trustLinks } from '../schema';

export type LinkRow = typeof trustLinks.$inferSelect;
export type RequestRow = typeof recoveryRequests.$inferSelect;

export const toLink = (r: LinkRow): TrustLink => ({
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

export const toRequest = (r: RequestRow): RecoveryRequest => ({
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

/** Serialises changes about one key (a contact's slots, a trustor's requests) inside a transaction. */
export const lockKey = (tx: Executor, key: string) =>
  tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
