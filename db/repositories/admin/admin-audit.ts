import { desc, sql } from 'drizzle-orm';
import type { AdminAct, AuditLine } from '../../../core/admin/admin-store';
import type { Executor } from '../../database';
import { auditEvents } from '../../schema';
import { type AuditEntry, recordAudit } from '../audit.repository';

/** An admin's act in the audit trail: `admin.<action>`, with the admin as the actor. */
export function recordAdminAct(
  tx: Executor,
  act: AdminAct,
  action: string,
  subject: { type: string; id: string },
  accountIds: string[],
  details?: AuditEntry['details'],
): Promise<void> {
  return recordAudit(tx, {
    at: act.at,
    actor: `admin:${act.adminUserId}`,
    action: `admin.${action}`,
    subjectType: subject.type,
    subjectId: subject.id,
    accountIds,
    ...(details ? { details } : {}),
  });
}

/** A page of the audit trail, newest first: everyone's, or the rows naming one account. */
export function auditPage(
  db: Executor,
  options: { accountId?: string; offset: number; limit: number },
): Promise<AuditLine[]> {
  return db
    .select()
    .from(auditEvents)
    .where(options.accountId ? sql`${options.accountId} = any(${auditEvents.accountIds})` : undefined)
    .orderBy(desc(auditEvents.at))
    .offset(options.offset)
    .limit(options.limit);
}
