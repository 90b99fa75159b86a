import { and, eq, isNotNull, lte, ne, or } from 'drizzle-orm';
import type { Database } from '../database';
import { digitalIdSessions, messengerUsers, otpChallenges, verifierDesks } from '../schema';

/**
 * What unlinking erases: the person's finished Digital ID sessions, spent or lapsed linking codes
 * (a code still open stays, with its failure count, so unlinking cannot reset a lock), their
 * verifier desk, and their name and username as the messenger gave them. The audit trail, the
 * records of decisions (trust links, recovery requests) and the per-number SMS counts stay.
 */
export function personalDataRepository(db: Database) {
  return {
    forget(messengerUserId: number, at: Date): Promise<void> {
      return db.transaction(async (tx) => {
        await tx
          .delete(digitalIdSessions)
          .where(
            and(eq(digitalIdSessions.messengerUserId, messengerUserId), ne(digitalIdSessions.status, 'live')),
          );
        await tx
          .delete(otpChallenges)
          .where(
            and(
              eq(otpChallenges.subject, String(messengerUserId)),
              or(isNotNull(otpChallenges.consumedAt), lte(otpChallenges.expiresAt, at)),
            ),
          );
        await tx.delete(verifierDesks).where(eq(verifierDesks.messengerUserId, messengerUserId));
        await tx
          .update(messengerUsers)
          .set({ firstName: '', lastName: null, username: null })
          .where(eq(messengerUsers.id, messengerUserId));
      });
    },
  };
}
