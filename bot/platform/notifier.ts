import type { I18n, TranslationVariables } from '@grammyjs/i18n';
import { localeFor } from '../../core/messaging/locale';
import type { InlineButton, OutgoingMessage } from '../../core/messaging/outgoing-message';
import type { FormContext } from '../context';

/** Tells a person something in their own language, through the outgoing queue (once per key). */
export interface Notifier {
  tell(
    messengerUserId: number,
    dedupeKey: string,
    textKey: string,
    vars?: TranslationVariables,
    buttons?: InlineButton[][],
  ): Promise<boolean>;
}

export function queueNotifier(deps: {
  users: { findById(id: number): Promise<{ chatId: number; languageCode: string | null } | null> };
  /** The outbox: one message per key, however often asked. */
  outgoing: { send(dedupeKey: string, chatId: number, message: OutgoingMessage): Promise<unknown> };
  i18n: I18n<FormContext>;
}): Notifier {
  return {
    async tell(messengerUserId, dedupeKey, textKey, vars, buttons) {
      const user = await deps.users.findById(messengerUserId);
      if (!user) return false;
      const text = deps.i18n.t(localeFor(user.languageCode), textKey, vars);
      await deps.outgoing.send(dedupeKey, user.chatId, { text, ...(buttons ? { buttons } : {}) });
      return true;
    },
  };
}
