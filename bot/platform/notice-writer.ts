import type { I18n } from '@grammyjs/i18n';
import { eq, inArray } from 'drizzle-orm';
import type { Notice } from '../../core/messaging/notice';
import type { Executor } from '../../db/database';
import { outgoingMessageRepository } from '../../db/repositories/outgoing-message.repository';
import type { NoticeWriter } from '../../db/repositories/trusted-contact.repository';
import { accountLinks, messengerUsers } from '../../db/schema';
import type { FormContext } from '../context';
import { localeFor } from '../i18n';

/**
 * Turns the domain's notices into outbox rows inside the caller's transaction: the chat the
 * account is linked to, the text in that person's language. An account linked to no chat gets
 * nothing (an invitation waits for them to link).
 */
export function noticeWriter(i18n: I18n<FormContext>): NoticeWriter {
  return async (tx: Executor, notices: Notice[]) => {
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
      if (!person) return [];
      const locale = localeFor(person.languageCode);
      const buttons = notice.buttons?.map((row) =>
        row.map((b) => ({ text: i18n.t(locale, b.text), callbackData: b.data })),
      );
      return [
        {
          dedupeKey: notice.key,
          chatId: person.chatId,
          message: { text: i18n.t(locale, notice.text, notice.vars), ...(buttons ? { buttons } : {}) },
        },
      ];
    });
    return outgoingMessageRepository(tx).addMany(rows);
  };
}
