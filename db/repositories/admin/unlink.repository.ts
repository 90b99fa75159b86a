import { eq } from 'drizzle-orm';
import type { AdminStore } from '../../../core/admin/admin-store';
import type { Database } from '../../database';
import { accountLinks } from '../../schema';
import { recordAudit } from '../audit.repository';
import { digitalIdSessionRepository } from '../digital-id-session.repository';
import { erasePersonalData } from '../personal-data.repository';
import { liveSessionOf } from './people.repository';

/**
 * A person's unlink, in one transaction: the link and its audit row (the account's own act),
 * the live Digital ID revoked, and what the service kept of them erased, the session just
 * revoked with it. A failure anywhere leaves them linked, unerased and unaudited; success
 * leaves nothing of theirs that a later step could fail to erase.
 */
export function unlinkRepository(db: Database, phoneKey: Buffer): Pick<AdminStore, 'unlink'> {
  return {
    unlink(messengerUserId, at, sessionEndReason) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .delete(accountLinks)
          .where(eq(accountLinks.messengerUserId, messengerUserId))
          .returning({ accountId: accountLinks.accountId });
        if (!row) return null;
        const { accountId } = row;
        await recordAudit(tx, {
          at,
          actor: { account: accountId },
          action: 'account.unlink',
          subjectType: 'account',
          subjectId: accountId,
          accountIds: [accountId],
        });
        const live = await liveSessionOf(tx, messengerUserId);
        const ended = live
          ? await digitalIdSessionRepository(tx).end(live, 'revoked', sessionEndReason, at)
          : null;
        await erasePersonalData(tx, phoneKey, { messengerUserId, accountId });
        return { accountId, ended };
      });
    },
  };
}
