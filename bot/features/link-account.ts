import { createConversation } from '@grammyjs/conversations';
import type { I18n } from '@grammyjs/i18n';
import { Composer, InlineKeyboard, Keyboard, type MiddlewareFn } from 'grammy';
import type { AccountLinking } from '../../core/identity/account-linking';
import { maskPhone, normalizeRussianPhone } from '../../core/identity/phone';
import { OTP_POLICY } from '../../core/otp/otp-policy';
import type { BotContext, FormContext } from '../context';
import type { Notifier } from '../platform/notifier';
import { type Form, isCancel, waitForStep } from './form-steps';
import { LINK_DATA } from './menu-data';

export interface LinkAccountDeps {
  linking: AccountLinking;
  i18n: I18n<FormContext>;
  notifier: Notifier;
  /** Re-adds transformers (auto-retry) to the fresh Api a conversation gets. */
  apiPlugins: MiddlewareFn<FormContext>[];
  /** What else follows from linking (invitations waiting for this person are delivered). */
  afterLink(accountId: string): Promise<void>;
  /**
   * Unlinks, with all that follows (core/admin/offboarding.ts: the live Digital ID and the
   * relationships end, the person's data is erased); false when nothing was linked.
   */
  unlink(messengerUserId: number): Promise<boolean>;
}

const CONVERSATION = 'link-account';
const FORM_MINUTES = 15;
/**
 * Linking the bot to a state-services account (/link): share your own number, receive a
 * code by SMS on the account's confirmed phone, type it here. A short same-chat form, so a
 * conversation; the code's state lives in the database, not in the conversation.
 */
export function linkAccountFeature(deps: LinkAccountDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.use(
    createConversation<BotContext, FormContext>((form, ctx) => linkForm(form, ctx, deps), {
      id: CONVERSATION,
      plugins: [deps.i18n, ...deps.apiPlugins],
      maxMillisecondsToWait: FORM_MINUTES * 60_000,
    }),
  );
  // Linking starts over whatever form was left open: this command is handled before the other
  // features' forms see it, so an approval still waiting for its code would block the link form.
  const startLinking = async (ctx: BotContext) => {
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(CONVERSATION);
  };
  feature.command('link', startLinking);
  feature.callbackQuery(LINK_DATA.start.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await startLinking(ctx);
  });
  feature.command('unlink', async (ctx) => {
    const userId = ctx.from?.id;
    if (!userId) return;
    const unlinked = await deps.unlink(userId);
    await ctx.reply(ctx.t(unlinked ? 'unlink-done' : 'unlink-none'));
  });
  return feature;
}

async function linkForm(form: Form, ctx: FormContext, deps: LinkAccountDeps): Promise<void> {
  const userId = ctx.from?.id;
  if (!userId) return;
  const shareKeyboard = new Keyboard()
    .requestContact(ctx.t('button-share-phone'))
    .row()
    .text(ctx.t('button-cancel'))
    .resized()
    .oneTime();
  await ctx.reply(ctx.t('link-ask-contact'), { reply_markup: shareKeyboard });

  const contact = await waitForStep(form, (c) => c.message?.contact, {
    nudge: 'link-press-share',
    cancelled: 'link-cancelled',
    cancelData: LINK_DATA.cancel.build(),
  });
  if (!contact) return;
  if (contact.user_id !== userId) {
    await ctx.reply(ctx.t('link-not-own-contact'), { reply_markup: { remove_keyboard: true } });
    return;
  }
  const phone = normalizeRussianPhone(contact.phone_number);
  // SMS go out in Russian whatever the chat's language; only JSON survives a conversation's
  // replay, so the outcome keeps the challenge id and drops the date.
  const sendCode = (to: string) =>
    form.external(async () => {
      const outcome = await deps.linking.requestCode(userId, to, (code) =>
        deps.i18n.t('ru', 'sms-link-code', { code }),
      );
      return outcome.ok ? { ok: true as const, challengeId: outcome.challengeId } : outcome;
    });
  const requested = phone
    ? await sendCode(phone)
    : { ok: false as const, code: 'LINK.NO_CONFIRMED_ACCOUNT' as const };
  if (!requested.ok) {
    await ctx.reply(refusalText(ctx, requested), { reply_markup: { remove_keyboard: true } });
    return;
  }
  const codeButtons = new InlineKeyboard()
    .text(ctx.t('button-resend'), LINK_DATA.resend.build())
    .text(ctx.t('button-cancel'), LINK_DATA.cancel.build());
  await ctx.reply(
    ctx.t('link-code-sent', { phone: maskPhone(phone as string), minutes: OTP_POLICY.ttlSeconds / 60 }),
    {
      reply_markup: codeButtons,
    },
  );

  for (;;) {
    const c = await form.wait();
    if (isCancel(c, LINK_DATA.cancel.build())) {
      if (c.callbackQuery) await c.answerCallbackQuery();
      await c.reply(c.t('link-cancelled'), { reply_markup: { remove_keyboard: true } });
      return;
    }
    if (c.callbackQuery?.data === LINK_DATA.resend.build()) {
      const again = await sendCode(phone as string);
      await c.answerCallbackQuery({ text: again.ok ? c.t('link-code-resent') : refusalText(c, again) });
      continue;
    }
    const text = c.message?.text;
    if (text?.startsWith('/')) await form.halt({ next: true });
    if (text === undefined) {
      if (c.callbackQuery) await c.answerCallbackQuery();
      await c.reply(c.t('link-code-format'));
      continue;
    }
    const result = await form.external(async () => {
      const outcome = await deps.linking.confirm(userId, phone as string, requested.challengeId, text);
      if (!outcome.ok) return outcome;
      if (outcome.previousUserId !== null)
        await deps.notifier.tell(
          outcome.previousUserId,
          `link-moved:${outcome.account.id}:${userId}:${Date.now()}`,
          'link-moved-away',
        );
      await deps.afterLink(outcome.account.id);
      return { ok: true as const, name: outcome.account.firstName };
    });
    if (result.ok) {
      await c.reply(c.t('link-done', { name: result.name }), { reply_markup: { remove_keyboard: true } });
      return;
    }
    switch (result.code) {
      case 'OTP.NOT_A_CODE':
        await c.reply(c.t('link-code-format'));
        continue;
      case 'OTP.WRONG_CODE':
        await c.reply(c.t('link-code-wrong', { left: result.attemptsLeft }));
        continue;
      default:
        await c.reply(refusalText(c, result), { reply_markup: { remove_keyboard: true } });
        return;
    }
  }
}

function refusalText(ctx: FormContext, outcome: { code: string; retryAfterSeconds?: number }): string {
  switch (outcome.code) {
    case 'LINK.NO_CONFIRMED_ACCOUNT':
      return ctx.t('link-no-account');
    case 'OTP.RESEND_TOO_SOON':
      return ctx.t('link-resend-too-soon', { seconds: outcome.retryAfterSeconds ?? 60 });
    case 'OTP.DAILY_SMS_LIMIT':
      return ctx.t('link-sms-limit');
    case 'OTP.LOCKED':
      return ctx.t('link-code-locked');
    default:
      return ctx.t('link-code-expired');
  }
}
