import type { Conversation } from '@grammyjs/conversations';
import type { BotContext, FormContext } from '../context';

export type Form = Conversation<BotContext, FormContext>;

/** The ways out of a form: its cancel button, /cancel, or the reply keyboard's cancel. */
export const isCancel = (c: FormContext, cancelData: string) =>
  c.callbackQuery?.data === cancelData ||
  /^\/cancel\b/.test(c.message?.text ?? '') ||
  c.message?.text === c.t('button-cancel');

/**
 * Waits for the update a step needs. Cancel ends the form; another command ends it and runs;
 * anything else gets a nudge towards what is expected.
 */
export async function waitForStep<T>(
  form: Form,
  pick: (c: FormContext) => T | undefined,
  texts: { nudge: string; cancelled: string; cancelData: string },
): Promise<T | null> {
  for (;;) {
    const c = await form.wait();
    if (isCancel(c, texts.cancelData)) {
      if (c.callbackQuery) await c.answerCallbackQuery();
      await c.reply(c.t(texts.cancelled), { reply_markup: { remove_keyboard: true } });
      return null;
    }
    const value = pick(c);
    if (value !== undefined) return value;
    if (c.message?.text?.startsWith('/')) await form.halt({ next: true });
    if (c.callbackQuery) await c.answerCallbackQuery();
    await c.reply(c.t(texts.nudge));
  }
}
