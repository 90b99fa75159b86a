import type { ConversationFlavor } from '@grammyjs/conversations';
import type { I18nFlavor } from '@grammyjs/i18n';
import type { Context } from 'grammy';

/** The context inside a conversation: translation, no conversation controls. */
export type FormContext = Context & I18nFlavor;

/**
 * What earlier middleware learnt about this update, for later middleware: it lives and dies
 * with the update's context, so nothing is kept between updates.
 */
interface UpdateFacts {
  /** rememberUpdate's write found the sender blocked by an admin. */
  senderBlocked?: boolean;
}

/** The context of every handler outside conversations. */
export type BotContext = ConversationFlavor<FormContext> & UpdateFacts;
