import type { I18n, TranslationVariables } from '@grammyjs/i18n';
import type { InlineButton } from '../../core/messaging/outgoing-message';
import type { MessengerUserRepository } from '../../db/repositories/messenger-user.repository';
import type { OutgoingProducer } from '../../workers/outgoing/outgoing.producer';
import type { FormContext } from '../context';
import { localeFor } from '../i18n';

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
  users: MessengerUserRepository;
  outgoing: OutgoingProducer;
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
