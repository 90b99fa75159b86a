import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AdminStore } from '../../../core/admin/admin-store';
import type { Database } from '../../database';
import { messengerUsers } from '../../schema';
import { recordAdminAct } from './admin-audit';

/** An admin's block of a messenger user, and its lifting. */
export function blockRepository(db: Database): Pick<AdminStore, 'setBlocked'> {
  return {
    setBlocked(who, block, act) {
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(messengerUsers)
          .set(
            block ? { blockedAt: act.at, blockReason: block.reason } : { blockedAt: null, blockReason: null },
          )
          .where(
            and(
              eq(messengerUsers.id, who.userId),
              block ? isNull(messengerUsers.blockedAt) : sql`${messengerUsers.blockedAt} is not null`,
            ),
          )
          .returning({ id: messengerUsers.id });
        if (rows.length === 0) return false;
        await recordAdminAct(
          tx,
          act,
          block ? 'block' : 'unblock',
          { type: 'messenger_user', id: String(who.userId) },
          who.accountId ? [who.accountId] : [],
          block ? { reason: block.reason } : undefined,
        );
        return true;
      });
    },
  };
}
