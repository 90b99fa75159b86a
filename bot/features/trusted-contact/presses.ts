import type { CallbackData } from '../../../core/messaging/callback-data';
import { TC_DATA } from '../../../core/trusted-contact/callback-data';
import type { TrustedContactService } from '../../../core/trusted-contact/trusted-contact-service';
import { type PrivateChat, pressRefusal } from './replies';

/**
 * The buttons that act at once: on an invitation, a relationship or a recovery prompt. Each
 * carries an id the service checks against the person pressing it; the answer shows on the button.
 */
export function presses(privateChat: PrivateChat, service: TrustedContactService) {
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
}
