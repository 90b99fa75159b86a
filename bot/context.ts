import type { ConversationFlavor } from '@grammyjs/conversations';
import type { I18nFlavor } from '@grammyjs/i18n';
import type { Context } from 'grammy';

/** The context inside a conversation: translation, no conversation controls. */
export type FormContext = Context & I18nFlavor;

/** The context of every handler outside conversations. */
export type BotContext = ConversationFlavor<FormContext>;
