import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const TRUST_LINK_STATUSES = [
  'invited',
  'active',
  'declined',
  'cancelled',
  'expired',
  'ended',
  'replaced',
] as const;
export type TrustLinkStatus = (typeof TRUST_LINK_STATUSES)[number];

/**
 * An invitation to be someone's trusted contact, which becomes the relationship when accepted.
 * An invitation to a number that is no eligible person's has no contact account: it is never
 * delivered and simply expires, so the trustor cannot tell the two apart.
 */
export const trustLinks = pgTable(
  'trust_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    trustorAccountId: text('trustor_account_id').notNull(),
    contactAccountId: text('contact_account_id'),
    /** The name the trustor gave, shown to the trustor only. */
    contactName: text('contact_name').notNull(),
    contactPhoneMasked: text('contact_phone_masked').notNull(),
    status: text('status').$type<TrustLinkStatus>().notNull(),
    /** The invitation reached the contact's chat (now, or when they linked the bot). */
    delivered: boolean('delivered').notNull().default(false),
    invitedAt: timestamp('invited_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closeReason: text('close_reason'),
  },
  (t) => [
    // One open invitation and one trusted contact per trustor.
    uniqueIndex('trust_links_one_invitation').on(t.trustorAccountId).where(sql`${t.status} = 'invited'`),
    uniqueIndex('trust_links_one_active').on(t.trustorAccountId).where(sql`${t.status} = 'active'`),
    index('trust_links_contact_idx').on(t.contactAccountId, t.status),
  ],
);

export const RECOVERY_STATUSES = ['pending', 'approved', 'denied', 'cancelled', 'expired'] as const;
export type RecoveryStatus = (typeof RECOVERY_STATUSES)[number];

/** A password recovery the identity portal asked for, decided by the trusted contact. */
export const recoveryRequests = pgTable(
  'recovery_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    trustorAccountId: text('trustor_account_id').notNull(),
    contactAccountId: text('contact_account_id').notNull(),
    trustLinkId: uuid('trust_link_id').notNull(),
    status: text('status').$type<RecoveryStatus>().notNull().default('pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Set once the portal acknowledged the final status with a 2xx. */
    callbackDeliveredAt: timestamp('callback_delivered_at', { withTimezone: true }),
  },
  // At most one live pending request per account (the portal's repeated POST returns it) is kept
  // by a per-account lock when opening one: an overdue one still marked pending must not block it.
  (t) => [
    index('recovery_requests_trustor_idx').on(t.trustorAccountId, t.createdAt),
    index('recovery_requests_status_idx').on(t.status, t.expiresAt),
  ],
);

/** Every security decision and state change: who, what, when, from which state. No codes, no full phones. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** `account:<id>`, `portal`, `system`, `admin:<id>`. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    /** The accounts concerned, for looking a person's history up. */
    accountIds: text('account_ids').array().notNull().default(sql`'{}'::text[]`),
    details: jsonb('details').$type<Record<string, string | number | boolean | null>>(),
  },
  (t) => [
    index('audit_events_at_idx').on(t.at),
    index('audit_events_subject_idx').on(t.subjectType, t.subjectId),
  ],
);
