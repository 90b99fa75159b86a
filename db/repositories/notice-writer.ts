import { eq, inArray } from 'drizzle-orm';
import type { Notice, NoticeRenderer } from '../../core/messaging/notice';
import type { Executor } from '../database';
import { accountLinks, messengerUsers } from '../schema';
import { outgoingMessageRepository } from './outgoing-message.repository';

/** Writes notices to the outbox inside the caller's transaction; returns the outbox row ids. */
export type NoticeWriter = (tx: Executor, notices: Notice[]) => Promise<string[]>;

/**
 * Turns the domain's notices into outbox rows inside the caller's transaction: the chat the
 * account is linked to, the text in that person's language. An account linked to no chat gets
 * nothing (an invitation waits for them to link).
 */
export function noticeWriter(render: NoticeRenderer): NoticeWriter {
  return async (tx, notices) => {
    if (notices.length === 0) return [];
    const people = await tx
      .select({
        accountId: accountLinks.accountId,
        chatId: messengerUsers.chatId,
        languageCode: messengerUsers.languageCode,
      })
      .from(accountLinks)
      .innerJoin(messengerUsers, eq(messengerUsers.id, accountLinks.messengerUserId))
      .where(inArray(accountLinks.accountId, [...new Set(notices.map((n) => n.accountId))]));
    const rows = notices.flatMap((notice) => {
      const person = people.find((p) => p.accountId === notice.accountId);
      return person
        ? [{ dedupeKey: notice.key, chatId: person.chatId, message: render(notice, person.languageCode) }]
        : [];
    });
    return outgoingMessageRepository(tx).addMany(rows);
  };
}
