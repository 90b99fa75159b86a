import { and, eq, inArray, isNotNull, isNull, ne, notInArray, or } from 'drizzle-orm';
import { hashPhone } from '../../core/otp/otp-codes';
import type { Executor } from '../database';
import {
  accounts,
  botConversations,
  digitalIdSessions,
  maxMessages,
  messengerUsers,
  otpChallenges,
  outgoingMessages,
  smsDailyCounts,
  verifierDesks,
} from '../schema';

/**
 * What unlinking erases, inside the unlink's transaction (db/repositories/admin/unlink.repository.ts):
 * the person's finished Digital ID sessions, every code and SMS count of their number (hashed as
 * core/otp keeps it) or their chat, the messages not yet sent to them, their half-filled forms,
 * their verifier desk, the messenger's record of them, and on MAX the copies of what the bot sent
 * them (kept for edits). Left: the registry account, the audit trail with the records of
 * decisions (trust links, recovery requests), messages already sent, pruned a day on, and the
 * copy of a Digital ID's QR message, which the ended screen replaces after the unlink.
 */
export async function erasePersonalData(
  tx: Executor,
  phoneKey: Buffer,
  person: { messengerUserId: number; accountId: string },
): Promise<void> {
  const { messengerUserId } = person;
  const [user] = await tx
    .select({ chatId: messengerUsers.chatId })
    .from(messengerUsers)
    .where(eq(messengerUsers.id, messengerUserId));
  // Their chat only: on MAX a person's user id may be another person's dialog id.
  const chats = [user?.chatId ?? messengerUserId];
  const [account] = await tx
    .select({ phone: accounts.phone })
    .from(accounts)
    .where(eq(accounts.id, person.accountId));
  const phoneHash = account ? hashPhone(phoneKey, account.phone) : null;

  const qrMessages = tx
    .select({ id: digitalIdSessions.messageId })
    .from(digitalIdSessions)
    .where(
      and(eq(digitalIdSessions.messengerUserId, messengerUserId), isNotNull(digitalIdSessions.messageId)),
    );
  await tx
    .delete(maxMessages)
    .where(and(inArray(maxMessages.chatId, chats), notInArray(maxMessages.alias, qrMessages)));
  await tx
    .delete(digitalIdSessions)
    .where(and(eq(digitalIdSessions.messengerUserId, messengerUserId), ne(digitalIdSessions.status, 'live')));
  // Open codes too: the person already proved the number, so no failure count protects anything.
  await tx
    .delete(otpChallenges)
    .where(
      or(
        eq(otpChallenges.subject, String(messengerUserId)),
        phoneHash ? eq(otpChallenges.phoneHash, phoneHash) : undefined,
      ),
    );
  if (phoneHash) await tx.delete(smsDailyCounts).where(eq(smsDailyCounts.phoneHash, phoneHash));
  await tx
    .delete(outgoingMessages)
    .where(and(inArray(outgoingMessages.chatId, chats), ne(outgoingMessages.status, 'sent')));
  await tx.delete(botConversations).where(inArray(botConversations.key, chats.map(String)));
  await tx.delete(verifierDesks).where(eq(verifierDesks.messengerUserId, messengerUserId));
  // An admin's block is kept whatever happens (a blocked person cannot unlink anyway).
  await tx
    .delete(messengerUsers)
    .where(and(eq(messengerUsers.id, messengerUserId), isNull(messengerUsers.blockedAt)));
}
