import { createConversation } from '@grammyjs/conversations';
import { InlineKeyboard, type Middleware } from 'grammy';
import { cleanDisplayName } from '../../../core/identity/display-name';
import { maskPhone, normalizeRussianPhone } from '../../../core/identity/phone';
import { localeFor } from '../../../core/messaging/locale';
import { moscowTime } from '../../../core/messaging/moscow-time';
import { TC_DATA } from '../../../core/trusted-contact/callback-data';
import { NAME_REFUSALS } from '../../../core/trusted-contact/invitations';
import type { TrustedContactService } from '../../../core/trusted-contact/trusted-contact-service';
import type { BotContext, FormContext } from '../../context';
import { type Form, waitForStep } from '../form-steps';
import { cancelKeyboard, FORM_CANCEL, refusal } from './replies';

const INVITATION_FORM = 'tc-invite';

/** The form's conversation, registered before the buttons that enter it. */
export const invitationForm = (service: TrustedContactService, plugins: Middleware<FormContext>[]) =>
  createConversation<BotContext, FormContext>((form, ctx) => inviteForm(form, ctx, service), {
    id: INVITATION_FORM,
    plugins,
    maxMillisecondsToWait: 15 * 60_000,
  });

/** "Add" or "replace": the form, unless this hour's invitations are used up. */
export async function startInvitation(ctx: BotContext, service: TrustedContactService) {
  if (!ctx.from) return;
  const limit = await service.invitationLimit(ctx.from.id);
  if (limit) await ctx.reply(invitationLimitText(ctx, limit));
  else await ctx.conversation.enter(INVITATION_FORM);
}

/** Past the hour's new invitations: when the next may go, whatever number was typed. */
const invitationLimitText = (ctx: FormContext, limit: { retryAt: Date; max: number }) =>
  ctx.t('tc-invite-limit', {
    max: String(limit.max),
    at: moscowTime(limit.retryAt, localeFor(ctx.from?.language_code), 'short'),
  });

const formTexts = (nudge: string) => ({ nudge, cancelled: 'tc-form-cancelled', cancelData: FORM_CANCEL });

/** Name, number (typed, or a contact card from the phone book), confirmation. */
async function inviteForm(form: Form, ctx: FormContext, service: TrustedContactService): Promise<void> {
  const userId = ctx.from?.id;
  if (!userId) return;
  const name = await askName(form, ctx);
  if (name === null) return;
  const phone = await askPhone(form, ctx);
  if (phone === null) return;
  await ctx.reply(ctx.t('tc-confirm', { name, phone: maskPhone(phone) }), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t('tc-button-send-invite'), TC_DATA.formSend.build())
      .text(ctx.t('button-cancel'), FORM_CANCEL),
  });
  const confirmed = await waitForStep(
    form,
    (c) => (c.callbackQuery?.data === TC_DATA.formSend.build() ? c : undefined),
    formTexts('tc-confirm-nudge'),
  );
  if (confirmed === null) return;
  await confirmed.answerCallbackQuery();
  const sent = await form.external(() => service.invite(userId, name, phone));
  if (!sent.ok) {
    await ctx.reply('retryAt' in sent ? invitationLimitText(ctx, sent) : ctx.t(refusal(sent.code)));
    return;
  }
  await ctx.reply(
    ctx.t('tc-invite-sent', {
      days: Math.max(1, Math.round(service.settings.invitationTtlSeconds / 86_400)),
    }),
  );
}

/** The contact's name as the trustor calls them, asked again until it is one; null if cancelled. */
async function askName(form: Form, ctx: FormContext): Promise<string | null> {
  await ctx.reply(ctx.t('tc-ask-name'), { reply_markup: cancelKeyboard(ctx) });
  for (;;) {
    const given = await waitForStep(form, (c) => c.message?.text, formTexts('tc-ask-name'));
    if (given === null) return null;
    const cleaned = cleanDisplayName(given);
    if (cleaned.ok) return cleaned.name;
    await ctx.reply(ctx.t(refusal(NAME_REFUSALS[cleaned.problem])));
  }
}

/** The contact's Russian number, typed or from a contact card; null if cancelled. */
async function askPhone(form: Form, ctx: FormContext): Promise<string | null> {
  await ctx.reply(ctx.t('tc-ask-phone'), { reply_markup: cancelKeyboard(ctx) });
  for (;;) {
    const given = await waitForStep(
      form,
      (c) => c.message?.contact?.phone_number ?? c.message?.text,
      formTexts('tc-ask-phone'),
    );
    if (given === null) return null;
    const phone = normalizeRussianPhone(given);
    if (phone !== null) return phone;
    await ctx.reply(ctx.t(refusal('TC.BAD_PHONE')));
  }
}
