import { and, desc, eq, gt } from 'drizzle-orm';
import type { Actor, RecoveryRequest, TrustLink } from '../../core/trusted-contact/trusted-contact-store';
import type { Executor } from '../database';
import { auditEvents } from '../schema';
import { type AuditEntry, actorName, recordAudit } from './audit.repository';

/** A change as the trail records it; the state it left is read from the changed subject itself. */
interface Change {
  at: Date;
  actor: Actor;
  /** The verb after the subject's prefix: `trust_link.<action>`, `recovery.<action>`. */
  action: string;
  from?: string;
  details?: AuditEntry['details'];
}

/** A trust link's change, recorded in its transaction under both sides' accounts. */
export const auditLinkChange = (tx: Executor, link: TrustLink, change: Change) =>
  recordAudit(tx, {
    at: change.at,
    actor: change.actor,
    action: `trust_link.${change.action}`,
    subjectType: 'trust_link',
    subjectId: link.id,
    fromState: change.from,
    toState: link.status,
    accountIds: [link.trustorAccountId, ...(link.contactAccountId ? [link.contactAccountId] : [])],
    details: change.details,
  });

/** A recovery request's change, recorded in its transaction under both sides' accounts. */
export const auditRecoveryChange = (tx: Executor, request: RecoveryRequest, change: Change) =>
  recordAudit(tx, {
    at: change.at,
    actor: change.actor,
    action: `recovery.${change.action}`,
    subjectType: 'recovery_request',
    subjectId: request.id,
    fromState: change.from,
    toState: request.status,
    accountIds: [request.trustorAccountId, request.contactAccountId],
    details: change.details,
  });

const HOUR_MS = 3_600_000;

/**
 * How many of `max` the trustor used in the hour before `now` (their `action` audit rows), and,
 * once all are used, when the oldest of the last `max` leaves the hour. Read in the caller's
 * transaction after its lock, so a concurrent change has committed its row and is counted.
 */
export async function hourlyUse(
  q: Executor,
  action: string,
  trustorAccountId: string,
  now: Date,
  max: number,
) {
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
