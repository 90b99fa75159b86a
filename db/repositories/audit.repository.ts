import type { Actor } from '../../core/trusted-contact/trusted-contact-store';
import type { Executor } from '../database';
import { auditEvents } from '../schema';

export interface AuditEntry {
  at: Date;
  actor: Actor | string;
  action: string;
  subjectType: string;
  subjectId: string;
  fromState?: string | null;
  toState?: string | null;
  accountIds: string[];
  details?: Record<string, string | number | boolean | null>;
}

export const actorName = (actor: Actor | string) =>
  typeof actor === 'string' ? actor : `account:${actor.account}`;

/** Written in the transaction of the change it records, so the trail never misses a change. */
export async function recordAudit(tx: Executor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditEvents).values({ ...entry, actor: actorName(entry.actor) });
}
