import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import { type AdminStore, CONFIRMATION_SECONDS } from '../../../core/admin/admin-store';
import type { Database } from '../../database';
import { adminConfirmations } from '../../schema';

/** Destructive admin actions waiting for the proposing admin's button. */
export function confirmationRepository(db: Database): Pick<AdminStore, 'propose' | 'confirm'> {
  return {
    async propose(adminUserId, action, payload, at, ttlSeconds = CONFIRMATION_SECONDS) {
      const expiresAt = new Date(at.getTime() + ttlSeconds * 1000);
      const [row] = await db
        .insert(adminConfirmations)
        .values({ adminUserId, action, payload, createdAt: at, expiresAt })
        .returning({ id: adminConfirmations.id });
      return row?.id as string;
    },

    /** Used up in one conditional write, so a double press or a stale client acts at most once. */
    async confirm(id, adminUserId, at, actions) {
      const [row] = await db
        .update(adminConfirmations)
        .set({ usedAt: at })
        .where(
          and(
            eq(adminConfirmations.id, id),
            eq(adminConfirmations.adminUserId, adminUserId),
            inArray(adminConfirmations.action, [...actions]),
            isNull(adminConfirmations.usedAt),
            gt(adminConfirmations.expiresAt, at),
          ),
        )
        .returning();
      return row ? { action: row.action, payload: row.payload } : null;
    },
  };
}
