import { createConversation } from '@grammyjs/conversations';
import type { I18n } from '@grammyjs/i18n';
import { Composer, InlineKeyboard, type MiddlewareFn } from 'grammy';
import { cleanDisplayName } from '../../../core/identity/display-name';
import { maskPhone, normalizeRussianPhone } from '../../../core/identity/phone';
import type { CallbackData } from '../../../core/messaging/callback-data';
import { localeFor } from '../../../core/messaging/locale';
import { moscowTime } from '../../../core/messaging/moscow-time';
import { TC_DATA } from '../../../core/trusted-contact/callback-data';
import { NAME_REFUSALS } from '../../../core/trusted-contact/invitations';
import type { TrustedContactService } from '../../../core/trusted-contact/trusted-contact-service';
import type { BotContext, FormContext } from '../../context';
import { type Form, isCancel, waitForStep } from '../form-steps';

export interface TrustedContactFeatureDeps {
  service: TrustedContactService;
  i18n: I18n<FormContext>;
  apiPlugins: MiddlewareFn<FormContext>[];
}

const INVITE_FORM = 'tc-invite';
const APPROVE_FORM = 'rc-approve';
const CANCEL = TC_DATA.formCancel.build();
const refusal = (code: string) => `tc-refusal-${code.replace(/^TC\./, '')}`;
const pressRefusal = (code: string) => `tc-press-${code.replace(/^TC\./, '')}`;

/** Past the hour's new invitations: when the next may go, whatever number was typed. */
const invitationLimitText = (ctx: FormContext, limit: { retryAt: Date; max: number }) =>
  ctx.t('tc-invite-limit', {
    max: String(limit.max),
    at: moscowTime(limit.retryAt, localeFor(ctx.from?.language_code), 'short'),
  });

/**
 * /contact: the trustor names, replaces or removes their trusted contact and manages the
 * invitation; the contact answers invitations and recovery prompts. Every button carries an
 * id that the service checks against the person pressing it.
 */
export function trustedContactFeature(deps: TrustedContactFeatureDeps): Composer<BotContext> {
  const { service } = deps;
  const feature = new Composer<BotContext>();
  const plugins = [deps.i18n, ...deps.apiPlugins];
  feature.use(
    createConversation<BotContext, FormContext>((form, ctx) => inviteForm(form, ctx, service), {
      id: INVITE_FORM,
      plugins,
      maxMillisecondsToWait: 15 * 60_000,
    }),
  );
  feature.use(
    createConversation<BotContext, FormContext>(
      (form, ctx, requestId: string, challengeId: string) =>
        approveForm(form, ctx, service, requestId, challengeId),
      { id: APPROVE_FORM, plugins, maxMillisecondsToWait: 10 * 60_000 },
    ),
  );
  const privateChat = feature.chatType('private');

  privateChat.command('contact', (ctx) => showOverview(ctx));
  privateChat.callbackQuery(TC_DATA.home.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showOverview(ctx);
  });
  privateChat.callbackQuery(TC_DATA.add.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    const limit = await service.invitationLimit(ctx.from.id);
    if (limit) await ctx.reply(invitationLimitText(ctx, limit));
    else await ctx.conversation.enter(INVITE_FORM);
  });

  /** A button whose action either happens (and says so) or is politely refused. */
  const pressed = (
    data: CallbackData<readonly ['uuid']>,
    act: (userId: number, id: string) => Promise<{ ok: true } | { ok: false; code: string }>,
    done: string,
  ) =>
    privateChat.callbackQuery(data.pattern, async (ctx) => {
      const outcome = await act(ctx.from.id, ctx.match[1] ?? '');
      await ctx.answerCallbackQuery({ text: ctx.t(outcome.ok ? done : pressRefusal(outcome.code)) });
    });

  // Each resend is shown as one, with how many of the hour's allowance it used. A resend refused
  // for another reason (the trustor's own eligibility included) is simply no longer current.
  privateChat.callbackQuery(TC_DATA.resend.pattern, async (ctx) => {
    const resent = await service.resendInvitation(ctx.from.id, ctx.match[1] ?? '');
    const text = resent.ok
      ? ctx.t('tc-invite-resent', { count: String(resent.count), max: String(resent.max) })
      : resent.code === 'TC.RESEND_LIMIT'
        ? ctx.t('tc-invite-resend-limit', { max: String(resent.max) })
        : ctx.t(pressRefusal('TC.NOT_PENDING'));
    await ctx.answerCallbackQuery({ text });
  });
  pressed(
    TC_DATA.cancelInvitation,
    (userId, id) => service.cancelInvitation(userId, id),
    'tc-invite-cancelled',
  );
  pressed(TC_DATA.end, (userId, id) => service.endRelationship(userId, id), 'tc-ended');
  pressed(TC_DATA.deny, (userId, id) => service.deny(userId, id), 'rc-denied');
  pressed(TC_DATA.notMe, (userId, id) => service.cancelByTrustor(userId, id), 'rc-cancelled');

  for (const [data, accept] of [
    [TC_DATA.accept, true],
    [TC_DATA.decline, false],
  ] as const) {
    privateChat.callbackQuery(data.pattern, async (ctx) => {
      const answered = await service.answerInvitation(ctx.from.id, ctx.match[1] ?? '', accept);
      if (!answered.ok) return ctx.answerCallbackQuery({ text: ctx.t(pressRefusal(answered.code)) });
      await ctx.answerCallbackQuery();
      return ctx.reply(ctx.t(accept ? 'tc-accepted' : 'tc-declined', { trustor: answered.trustor }));
    });
  }

  privateChat.callbackQuery(TC_DATA.approve.pattern, async (ctx) => {
    const requestId = ctx.match[1] ?? '';
    const started = await service.startApproval(ctx.from.id, requestId);
    if (!started.ok) {
      await ctx.answerCallbackQuery({ text: codeRefusal(ctx, started) });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('rc-code-sent', { phone: started.phone }), {
      reply_markup: new InlineKeyboard().text(ctx.t('button-cancel'), CANCEL),
    });
    await ctx.conversation.enter(APPROVE_FORM, requestId, started.challengeId, { overwrite: true });
  });
  return feature;

  async function showOverview(ctx: BotContext) {
    if (!ctx.from) return;
    const view = await service.overview(ctx.from.id);
    if (!view.ok) return ctx.reply(ctx.t('tc-not-linked'));
    const locale = localeFor(ctx.from.language_code);
    const lines = [ctx.t('tc-overview-about'), ''];
    const keyboard = new InlineKeyboard();
    if (view.refusal) lines.push(ctx.t(refusal(view.refusal)));
    else {
      if (view.active) {
        lines.push(
          ctx.t('tc-overview-active', {
            name: view.active.contactName,
            phone: view.active.contactPhoneMasked,
          }),
        );
        keyboard
          .text(
            ctx.t('tc-button-remove', { name: view.active.contactName }),
            TC_DATA.end.build(view.active.id),
          )
          .row();
      } else lines.push(ctx.t('tc-overview-none'));
      if (view.invitation) {
        lines.push(
          ctx.t('tc-overview-invited', {
            name: view.invitation.contactName,
            phone: view.invitation.contactPhoneMasked,
            until: moscowTime(view.invitation.expiresAt, locale, 'short'),
          }),
        );
        keyboard
          .text(ctx.t('tc-button-resend'), TC_DATA.resend.build(view.invitation.id))
          .row()
          .text(ctx.t('tc-button-cancel-invite'), TC_DATA.cancelInvitation.build(view.invitation.id))
          .row();
      }
      keyboard.text(ctx.t(view.active ? 'tc-button-replace' : 'tc-button-add'), TC_DATA.add.build()).row();
    }
    if (view.helping.length > 0) {
      lines.push('', ctx.t('tc-overview-helping', { names: view.helping.map((h) => h.name).join(', ') }));
      for (const h of view.helping)
        keyboard.text(ctx.t('tc-button-stop-helping', { name: h.name }), TC_DATA.end.build(h.linkId)).row();
    }
    return ctx.reply(lines.join('\n'), { reply_markup: keyboard });
  }
}

const formTexts = (nudge: string) => ({ nudge, cancelled: 'tc-form-cancelled', cancelData: CANCEL });

/** Name, number (typed, or a contact card from the phone book), confirmation. */
async function inviteForm(form: Form, ctx: FormContext, service: TrustedContactService): Promise<void> {
  const userId = ctx.from?.id;
  if (!userId) return;
  const cancelButton = new InlineKeyboard().text(ctx.t('button-cancel'), CANCEL);
  await ctx.reply(ctx.t('tc-ask-name'), { reply_markup: cancelButton });
  let name: string | null = null;
  while (name === null) {
    const given = await waitForStep(form, (c) => c.message?.text, formTexts('tc-ask-name'));
    if (given === null) return;
    const cleaned = cleanDisplayName(given);
    if (cleaned.ok) name = cleaned.name;
    else await ctx.reply(ctx.t(refusal(NAME_REFUSALS[cleaned.problem])));
  }
  await ctx.reply(ctx.t('tc-ask-phone'), { reply_markup: cancelButton });
  let phone: string | null = null;
  while (phone === null) {
    const given = await waitForStep(
      form,
      (c) => c.message?.contact?.phone_number ?? c.message?.text,
      formTexts('tc-ask-phone'),
    );
    if (given === null) return;
    phone = normalizeRussianPhone(given);
    if (phone === null) await ctx.reply(ctx.t(refusal('TC.BAD_PHONE')));
  }
  await ctx.reply(ctx.t('tc-confirm', { name, phone: maskPhone(phone) }), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t('tc-button-send-invite'), TC_DATA.formSend.build())
      .text(ctx.t('button-cancel'), CANCEL),
  });
  const confirmed = await waitForStep(
    form,
    (c) => (c.callbackQuery?.data === TC_DATA.formSend.build() ? c : undefined),
    formTexts('tc-confirm-nudge'),
  );
  if (confirmed === null) return;
  await confirmed.answerCallbackQuery();
  const [invitedName, invitedPhone] = [name, phone];
  const sent = await form.external(() => service.invite(userId, invitedName, invitedPhone));
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
    if (isCancel(c, CANCEL)) {
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
