import { type ChatTypeContext, type Composer, InlineKeyboard } from 'grammy';
import { TC_DATA } from '../../../core/trusted-contact/callback-data';
import type { BotContext, FormContext } from '../../context';

/** Where the trusted contact's commands and buttons work: a person's private chat with the bot. */
export type PrivateChat = Composer<ChatTypeContext<BotContext, 'private'>>;

/** The text of a refusal the service gives as a code (`TC.UNDER_14` → `tc-refusal-UNDER_14`). */
export const refusal = (code: string) => `tc-refusal-${code.replace(/^TC\./, '')}`;

/** The same for a button press: a short answer on the button, nothing changed. */
export const pressRefusal = (code: string) => `tc-press-${code.replace(/^TC\./, '')}`;

/** The forms' cancel button. */
export const FORM_CANCEL = TC_DATA.formCancel.build();
export const cancelKeyboard = (ctx: FormContext) =>
  new InlineKeyboard().text(ctx.t('button-cancel'), FORM_CANCEL);
