import { createConversation } from '@grammyjs/conversations';
import type { Middleware } from 'grammy';
import { TC_DATA } from '../../../core/trusted-contact/callback-data';
import type { TrustedContactService } from '../../../core/trusted-contact/trusted-contact-service';
import type { BotContext, FormContext } from '../../context';
import { type Form, isCancel } from '../form-steps';
import { cancelKeyboard, FORM_CANCEL, type PrivateChat, pressRefusal } from './replies';

const APPROVAL_FORM = 'rc-approve';

/** The form's conversation, registered before the button that enters it. */
export const approvalForm = (service: TrustedContactService, plugins: Middleware<FormContext>[]) =>
  createConversation<BotContext, FormContext>(
    (form, ctx, requestId: string, challengeId: string) =>
      approveForm(form, ctx, service, requestId, challengeId),
    { id: APPROVAL_FORM, plugins, maxMillisecondsToWait: 10 * 60_000 },
  );

/** "Approve" on a recovery prompt: a code goes by SMS, and the form waits for it. */
export function approvePress(privateChat: PrivateChat, service: TrustedContactService) {
  privateChat.callbackQuery(TC_DATA.approve.pattern, async (ctx) => {
    const requestId = ctx.match[1] ?? '';
    const started = await service.startApproval(ctx.from.id, requestId);
    if (!started.ok) {
      await ctx.answerCallbackQuery({ text: codeRefusal(ctx, started) });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('rc-code-sent', { phone: started.phone }), { reply_markup: cancelKeyboard(ctx) });
    await ctx.conversation.enter(APPROVAL_FORM, requestId, started.challengeId, { overwrite: true });
  });
}

/** The approval code: typed in the chat, checked by the service, until right, locked or cancelled. */
async function approveForm(
  form: Form,
  ctx: FormContext,
  service: TrustedContactService,
  requestId: string,
  challengeId: string,
): Promise<void> {
  const userId = ctx.from?.id;
  if (!userId) return;
  for (;;) {
    const c = await form.wait();
    if (isCancel(c, FORM_CANCEL)) {
      if (c.callbackQuery) await c.answerCallbackQuery();
      await c.reply(c.t('tc-form-cancelled'));
      return;
    }
    const text = c.message?.text;
    // A command, or a button of another message (deny, "it was not me"): it runs as usual.
    if (text === undefined || text.startsWith('/')) await form.halt({ next: true });
    const typed = text as string;
    const outcome = await form.external(() => service.approveWithCode(userId, requestId, challengeId, typed));
    if (outcome.ok) {
      await c.reply(c.t('rc-approved'));
      return;
    }
    if (outcome.code === 'OTP.NOT_A_CODE') {
      await c.reply(c.t('rc-code-format'));
      continue;
    }
    if (outcome.code === 'OTP.WRONG_CODE') {
      await c.reply(c.t('rc-code-wrong', { left: outcome.attemptsLeft }));
      continue;
    }
    await c.reply(codeRefusal(c, outcome));
    return;
  }
}

function codeRefusal(ctx: FormContext, outcome: { code: string; retryAfterSeconds?: number }): string {
  switch (outcome.code) {
    case 'OTP.LOCKED':
      return ctx.t('rc-code-locked');
    case 'OTP.EXPIRED':
    case 'OTP.NOT_FOUND':
      return ctx.t('rc-code-expired');
    case 'OTP.RESEND_TOO_SOON':
      return ctx.t('rc-code-too-soon', { seconds: outcome.retryAfterSeconds ?? 60 });
    case 'OTP.DAILY_SMS_LIMIT':
      return ctx.t('rc-code-daily-limit');
    default:
      return ctx.t(pressRefusal(outcome.code));
  }
}
